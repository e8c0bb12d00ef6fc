from __future__ import annotations
class Component: pass
class ComponentFunc: pass
class ComponentInstance: pass
class ComponentLinker: pass
class ComponentPre: pass
class Err: pass
class Ok: pass
class Variant: pass
