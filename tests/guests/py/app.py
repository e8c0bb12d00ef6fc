# The `hello` world (../hello/wit/hello.wit) in Python, for componentize-py, which generates the
# `wit_world` module from the WIT.
import wit_world


class WitWorld(wit_world.WitWorld):
    def hello(self, name: str) -> str:
        return f"Hello, {name}!"
