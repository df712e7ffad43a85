"""Draw a flow as a Mermaid state diagram (`recovery-bot flows graph FLOW`)."""

from __future__ import annotations

from bot.engine.flows import END, FLOW_PREFIX, Flow


def mermaid(flow: Flow) -> str:
    """The flow as `stateDiagram-v2` text."""
    lines = ["stateDiagram-v2", f"    [*] --> {flow.start}"]
    for state in flow.states.values():
        note = f"{state.input.type} input" if state.input else "message"
        lines.append(f"    {state.name}: {state.name} ({note})")
        for branch in state.branches:
            target = branch.target
            if target == END:
                target = "[*]"
            elif target.startswith(FLOW_PREFIX):
                target = target[len(FLOW_PREFIX) :] + "_flow"
            label = branch.value or branch.condition or ""
            lines.append(f"    {state.name} --> {target}" + (f": {label}" if label else ""))
    return "\n".join(lines)
