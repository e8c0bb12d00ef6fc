"""Host-defined resources: Python objects behind handles the guest moves, lends, keeps and drops."""

from __future__ import annotations

import pytest

import wasmpool

from conftest import guest

BLOBS = "wasmpool:res/blobs@0.1.0"


class Blob:
    def __init__(self, size: int) -> None:
        self.size = size


def test_resources_round_trip(engine: wasmpool.Engine) -> None:
    component = wasmpool.Component.from_file(engine, guest("res.wasm"))
    destroyed: list[int] = []
    blob = wasmpool.ResourceType(lambda b: destroyed.append(b.size))
    linker = wasmpool.ComponentLinker(engine)
    linker.define_resource(BLOBS, "blob", blob)

    def make(caller: wasmpool.ComponentCaller, size: int) -> wasmpool.Resource:
        return caller.resource_new(blob, Blob(size))

    def size(b: wasmpool.Resource) -> int:
        assert not b.owned
        return b.data(blob).size

    linker.define_func(BLOBS, "make", make, component=component, caller=True)
    linker.define_func(BLOBS, "size", size, component=component)
    pre = linker.instantiate_pre(component)
    with wasmpool.Store(engine) as store:
        inst = pre.instantiate(store)
        b = blob.new(store, Blob(7))
        assert b.owned and isinstance(b.data(blob), Blob) and b.data(blob).size == 7
        assert inst.call("peek", b) == 7  # lent: still ours
        b2 = inst.call("pass", b)  # moved there and back
        assert b2.data(blob).size == 7
        inst.call("keep", b2)
        assert destroyed == []
        assert inst.call("release") is True and destroyed == [7]
        assert inst.call("release") is False
        assert inst.call("make-and-drop", 5) == 5 and destroyed == [7, 5]
        mine = inst.call("make-one", 9)
        assert mine.owned and mine.data(blob).size == 9 and blob.live == 1
        mine.drop(store)
        assert destroyed == [7, 5, 9] and blob.live == 0
        with pytest.raises(wasmpool.InvalidArgument):
            mine.drop(store)  # spent
        left = blob.new(store, Blob(11))
        assert left.data(wasmpool.ResourceType()) is None  # another type
    assert destroyed == [7, 5, 9, 11]  # the store's objects go with it
