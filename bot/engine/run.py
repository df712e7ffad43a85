"""One step's work: a person's message handled against their conversation.

`Run` is created by `Engine.step` for one inbound message (or one flow started by the bot)
and holds the conversation, the caller's `StepSession` and the messages produced so far.
Order of work: the safety screen, global commands, an intercept (a live coach relay), then
the current flow's state, where typed answers are first understood (`listen.Listener`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from bot.engine.actions import ActionCall, ActionResult, Say
from bot.engine.commands import parse_command
from bot.engine.flows import END, FLOW_PREFIX, PAUSE_ALL, FlowSet, State
from bot.engine.inputs import Parsed, normalise, parse_answer, timezone_choices
from bot.engine.listen import Listener
from bot.engine.messages import Button, Inbound, InboundKind, Outbound
from bot.engine.parts import EngineParts
from bot.engine.render import code_template
from bot.engine.session import StepSession, button_data
from bot.engine.state import RESUME_STATE, ConversationState, Frame, to_json_value
from bot.engine.variety import pick_variant, remember

#: In a resume offer's frame: the flow was under way right now (not paused earlier).
RUNNING_FACT = "__running__"

log = logging.getLogger(__name__)

MAX_AUTO_STEPS = 40  # guards against a cycle of input-less states
COUNTRY_BUTTONS = ("US", "GB", "CA", "AU")
#: The same button again within this many seconds, nothing in between, is a double tap.
DOUBLE_TAP_SECONDS = 10

T = {
    name: code_template(f"system/{name}")
    for name in (
        "unsupported_media", "edited", "stale_button", "unknown_command",
        "cancelled", "nothing_to_cancel", "resuming", "resume_offer", "cannot_go_back",
        "cannot_skip", "welcome_back", "btn_continue", "btn_start_over", "btn_skip",
        "btn_no_time", "empty_message", "nothing_to_resume", "consent_first",
    )
}
COUNTRY_LABEL = {code: code_template(f"countries/{code}") for code in COUNTRY_BUTTONS}


class Run:
    """One step's work: the conversation, the session, the messages produced so far."""

    def __init__(self, engine: EngineParts, conv: ConversationState,
                 session: StepSession) -> None:
        self.engine = engine
        self.conv = conv
        self.session = session
        self.out: list[Outbound] = []
        self._ctx: dict[str, Any] | None = None
        self.listener = Listener(self)

    # ------------------------------------------------------------------ helpers

    @property
    def flows(self) -> FlowSet:
        return self.engine.flows

    async def context(self, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
        if self._ctx is None:
            self._ctx = await self.session.context()
        ctx = dict(self._ctx)
        frame = self.conv.current
        ctx.update(
            commands=self.engine.menu_context,
            answers=frame.answers if frame else {},
            facts=frame.facts if frame else {},
            flow=frame.flow if frame else None,
            state=frame.state if frame else None,
        )
        if extra:
            ctx.update(extra)
        return ctx

    def invalidate(self) -> None:
        self._ctx = None

    def variant(self, template: str) -> int:
        """Which wording of `template` this person hears now (see `variety`)."""
        count = self.engine.renderer.variants(template)
        if count <= 1:
            return 0
        today = self.session.now().date().toordinal()
        heard = self.conv.said.get(template, [])
        chosen = pick_variant(heard, count, self.session.seed(), today)
        self.conv.said[template] = remember(heard, chosen, today)
        return chosen

    async def say(
        self,
        template: str,
        extra: Mapping[str, Any] | None = None,
        buttons: tuple[Button, ...] = (),
        say: Say | None = None,
    ) -> None:
        text = self.engine.renderer.render(template, await self.context(extra),
                                           self.variant(template))
        if not text and not buttons and (say is None or say.attachment is None):
            return  # a template that renders nothing has nothing to say here
        frame = self.conv.current
        self.out.append(
            Outbound(
                text=text,
                template=template,
                buttons=buttons,
                flow=frame.flow if frame else None,
                state=frame.state if frame else None,
                attachment=say.attachment if say else None,
                to=say.to if say else None,
            )
        )

    async def say_all(self, says: list[Say]) -> None:
        for item in says:
            # Awaiting inside a generator expression would make it an async generator.
            ctx = await self.context()
            buttons = tuple(
                Button(self.engine.renderer.render(label, ctx), data)
                for label, data in item.buttons
            )
            await self.say(item.template, item.context, buttons=buttons, say=item)

    def call(self, value: Any = None, args: str = "") -> ActionCall[Any]:
        frame = self.conv.current
        return ActionCall(
            deps=self.session.deps,
            flow=frame.flow if frame else None,
            state=frame.state if frame else None,
            answers=frame.answers if frame else {},
            facts=frame.facts if frame else {},
            value=value,
            args=args,
        )

    async def run_action(self, name: str, value: Any = None, args: str = "") -> ActionResult:
        result = await self.engine.registry.run(name, self.call(value, args))
        self.invalidate()
        frame = self.conv.current
        if frame is not None and result.facts:
            frame.facts.update(result.facts)
        await self.say_all(result.say)
        return result

    # ------------------------------------------------------------------ handling

    async def handle(self, inbound: Inbound) -> None:
        if inbound.kind is not InboundKind.BUTTON:
            self.conv.pressed = self.conv.pressed_at = None  # anything else ends a double tap
        if inbound.kind is InboundKind.TEXT and inbound.text:
            interrupt = await self.session.screen(inbound)
            if interrupt is not None:
                await self.push_flow(interrupt.flow, dict(interrupt.facts))
                return
        if inbound.kind is InboundKind.UNSUPPORTED:
            await self.say(T["unsupported_media"], {"media": inbound.media or "file"})
            await self.reprompt()
            return
        if inbound.kind is InboundKind.EDITED:
            await self.say(T["edited"])
            await self.reprompt()
            return
        if inbound.kind is InboundKind.TEXT:
            text = (inbound.text or "").strip()
            if not text:
                await self.say(T["empty_message"])
                await self.reprompt()
                return
            command = parse_command(text)
            if command is not None:
                await self.handle_command(command.name, command.args)
                return
        intercepted = await self.session.intercept(inbound, self.conv)
        if intercepted is not None:
            await self.say_all(intercepted)
            return
        if inbound.kind is InboundKind.BUTTON:
            await self.handle_button(inbound.button or "")
        else:
            await self.handle_text((inbound.text or "").strip())

    async def handle_command(self, name: str, args: str) -> None:
        spec = self.engine.commands.get(name)
        if spec is None:
            await self.say(T["unknown_command"], {"command": name})
            await self.reprompt()
            return
        if name not in self.engine.before_consent and not await self.consented():
            await self.say(T["consent_first"])
            await self.builtin_start()
            return
        if spec.flow:
            await self.start_flow(spec.flow, args)
        elif spec.say:
            await self.say(spec.say)
            await self.reprompt()
        elif spec.action:
            result = await self.run_action(spec.action, args=args)
            if result.goto:
                await self.goto(result.goto)
            elif result.reprompt:
                await self.reprompt()
        elif spec.builtin == "start":
            await self.builtin_start()
        elif spec.builtin == "cancel":
            await self.builtin_cancel()
        elif spec.builtin == "continue":
            await self.builtin_resume()

    async def consented(self) -> bool:
        """Whether the person has agreed to what the bot keeps (onboarding's first question)."""
        return bool((await self.context())["person"].get("consented"))

    async def builtin_resume(self) -> None:
        if self.conv.current is not None:
            await self.reprompt(resuming=True)
        elif self.conv.paused:
            await self.start_flow(list(self.conv.paused)[-1])
        else:
            await self.say(T["nothing_to_resume"])

    async def builtin_start(self) -> None:
        person = (await self.context())["person"]
        if not person.get("onboarded"):
            frame = self.conv.current
            if frame is not None and frame.flow == "onboarding":
                await self.reprompt()
                return
            self.conv.frames.clear()
            await self.start_flow("onboarding")
            return
        await self.say(T["welcome_back"])
        await self.reprompt()

    async def builtin_cancel(self) -> None:
        frame = self.conv.current
        if frame is None:
            await self.say(T["nothing_to_cancel"])
            return
        title_key = self.flows[frame.flow].title
        title = self.engine.renderer.render(title_key, await self.context())
        kept = self.flows[frame.flow].resumable  # a check-in starts afresh: nothing to keep
        self.pause_all()
        await self.say(T["cancelled"], {"flow_title": title, "kept": kept})

    def pause_all(self) -> None:
        """Set every flow in progress aside (/continue brings the latest back)."""
        for old in self.conv.frames:
            if old.state != RESUME_STATE and self.flows[old.flow].resumable:
                self.conv.paused[old.flow] = old
        self.conv.frames.clear()

    async def handle_button(self, data: str) -> None:
        frame = self.conv.current
        seq_text, _, value = data.partition(":")
        now = self.session.now().timestamp()
        if (data == self.conv.pressed and self.conv.pressed_at is not None
                and now - self.conv.pressed_at < DOUBLE_TAP_SECONDS):
            return  # a double tap: the first press was taken; this one changes nothing
        if frame is None or seq_text != str(self.conv.seq):
            # "Here's where we are now:" only when there is a question to show after it.
            asking = frame is not None and (
                frame.state == RESUME_STATE
                or self.flows[frame.flow].state(frame.state).input is not None)
            await self.say(T["stale_button"], {"has_question": asking})
            await self.reprompt()
            return
        choices = await self.current_choices()
        if value not in choices.values():
            log.warning("refused button data that matches no current option")
            await self.say(T["stale_button"])
            await self.reprompt()
            return
        self.conv.pressed, self.conv.pressed_at = data, now
        if value == "__skip__":
            await self.skip()
            return
        if frame.state == RESUME_STATE:
            await self.answer_resume(value)
            return
        state = self.flows[frame.flow].state(frame.state)
        answer: Any = _restore(value)
        if answer is not None and state.input and state.input.type in ("scale", "number"):
            answer = int(answer)
        await self.accept(state, answer)

    async def handle_text(self, text: str) -> None:
        frame = self.conv.current
        if frame is None:
            person = (await self.context())["person"]
            if not person.get("onboarded"):
                # Getting started was set aside (/cancel): what they say now is heard at the
                # offer to carry on ("talked to my dad today, it was really hard" is listened to).
                listens = self.listener.listens()
                resuming = listens and "onboarding" in self.conv.paused
                if listens and not resuming:
                    await self.listener.first_message(text)
                await self.start_flow("onboarding", prompt=not resuming)
                frame = self.conv.current
                if resuming and frame is not None and frame.state == RESUME_STATE:
                    await self.handle_text(text)
            else:
                await self.listener.idle(text)
            return
        key = normalise(text)
        words = self.engine.words
        if key in words.back:
            await self.back()
            return
        if frame.state == RESUME_STATE:
            choices = await self.current_choices()
            by_label = {normalise(label): value for label, value in choices.items()}
            if key in by_label:
                await self.answer_resume(by_label[key])
            elif not (self.listener.listens()
                      and await self.listener.off_script(RESUME_STATE, text)):
                await self.reprompt()
            return
        state = self.flows[frame.flow].state(frame.state)
        spec = state.input
        if spec is None:
            await self.reprompt()
            return
        if key in words.skip and spec.skippable:
            await self.skip()
            return
        if spec.type == "time" and spec.allow_none and key in words.none:
            await self.accept(state, None)
            return
        parsed: Parsed = parse_answer(spec, text, await self.current_choices(),
                                      self.engine.words)
        if not parsed.ok:
            if ((self.flows[frame.flow].coaching or state.off_script) and self.listener.listens()
                    and await self.listener.off_script(state.name, text,
                                                       buttons=spec.type == "choice")):
                return
            await self.say(parsed.error or T["unknown_command"], {"spec": spec})
            await self.reprompt()
            return
        typed = spec.type == "text" or (
            spec.free_text and bool(state.listen)
            and parsed.value not in {option.value for option in spec.options})
        if typed and self.listener.listens():
            await self.listener.answer(state, text, parsed.value)
            return
        await self.accept(state, parsed.value)

    # ------------------------------------------------------------------ moving

    async def accept(self, state: State, value: Any, *, reply: str | None = None,
                     extra: Mapping[str, Any] | None = None) -> None:
        """Store a valid answer, reflect it, run the state's action, move on.

        `reply` replaces the state's own reply template; `extra` adds to its context (what
        the understanding step heard).
        """
        frame = self.conv.current
        assert frame is not None
        self.store(state, value)
        if state.save and state.save.startswith("profile."):
            await self.session.save(state.save, value)
            self.invalidate()
        frame.history.append(state.name)
        goto: str | None = None
        if state.action:
            result = await self.run_action(state.action, value=value)
            goto = result.goto
        reply = reply or state.reply
        if reply:
            await self.say(reply, {"answer": to_json_value(value), **(extra or {})})
        await self.follow(state, value, goto)

    def store(self, state: State, value: Any) -> None:
        """Keep `value` as the answer to `state` in the current flow."""
        frame = self.conv.current
        assert frame is not None
        frame.answers[state.name] = to_json_value(value)

    async def move_on(self, state: State) -> None:
        """Go past `state` without keeping an answer (as "skip" does)."""
        frame = self.conv.current
        assert frame is not None
        frame.answers[state.name] = None
        frame.history.append(state.name)
        await self.follow(state, None, None)

    async def skip(self) -> None:
        frame = self.conv.current
        assert frame is not None
        state = self.flows[frame.flow].state(frame.state)
        if state.input is None or not state.input.skippable:
            await self.say(T["cannot_skip"])
            await self.reprompt()
            return
        frame.answers.setdefault(state.name, None)
        frame.history.append(state.name)
        await self.follow(state, None, None)

    async def back(self) -> None:
        frame = self.conv.current
        if frame is None or not frame.history:
            await self.say(T["cannot_go_back"])
            await self.reprompt()
            return
        frame.state = frame.history.pop()
        self.conv.seq += 1
        await self.prompt_current()

    async def follow(self, state: State, value: Any, goto: str | None) -> None:
        target = goto or await self.choose_branch(state, value)
        await self.goto(target)

    async def choose_branch(self, state: State, value: Any) -> str:
        ctx = await self.context({"answer": to_json_value(value)})
        for branch in state.branches:
            if branch.value is not None:
                if value is not None and str(to_json_value(value)) == branch.value:
                    return branch.target
                continue
            if branch.condition:
                if self.engine.renderer.evaluate(branch.condition, ctx):
                    return branch.target
                continue
            return branch.target
        return END

    async def goto(self, target: str, hops: int = 0) -> None:
        """Move the current frame to `target` and prompt, following input-less states."""
        if hops > MAX_AUTO_STEPS:
            raise RuntimeError("flow loops without asking anything")
        frame = self.conv.current
        assert frame is not None
        if target == END:
            await self.finish_flow()
            return
        if target == PAUSE_ALL:
            self.conv.frames.pop()
            self.pause_all()
            return
        if target.startswith(FLOW_PREFIX):
            self.conv.frames.pop()
            await self.push_flow(target[len(FLOW_PREFIX) :], {})
            return
        frame.state = target
        flow = self.flows[frame.flow]
        state = flow.state(target)
        if state.enter:
            result = await self.run_action(state.enter)
            if result.goto:
                await self.goto(result.goto, hops + 1)
                return
        if state.skip_if and self.engine.renderer.evaluate(state.skip_if, await self.context()):
            await self.goto(await self.choose_branch(state, None), hops + 1)
            return
        if state.input is None:
            for key in state.say:
                await self.say(key)
            if state.prompt:
                await self.say(state.prompt)
            if state.action:
                result = await self.run_action(state.action)
                if result.goto:
                    await self.goto(result.goto, hops + 1)
                    return
            await self.goto(await self.choose_branch(state, None), hops + 1)
            return
        self.conv.seq += 1
        for key in state.say:
            await self.say(key)
        await self.prompt_current()

    async def finish_flow(self) -> None:
        frame = self.conv.frames.pop()
        self.conv.paused.pop(frame.flow, None)
        self.conv.last_flow = frame.flow
        flow = self.flows[frame.flow]
        if flow.on_complete:
            self.conv.frames.append(frame)  # so the action sees the answers
            result = await self.run_action(flow.on_complete)
            self.conv.frames.pop()
            if result.goto and result.goto.startswith(FLOW_PREFIX):
                await self.push_flow(result.goto[len(FLOW_PREFIX) :], {})
                return
        if self.conv.frames:
            await self.reprompt(resuming=True)

    def drop_closing_frame(self) -> None:
        """A flow waiting only at its optional closing offer ends when something else starts,
        so the person isn't brought back to "would you like to...?" afterwards."""
        frame = self.conv.current
        if frame is not None and frame.state in self.flows[frame.flow].states:
            if self.flows[frame.flow].state(frame.state).closing:
                self.conv.frames.pop()

    async def push_flow(self, name: str, facts: dict[str, Any]) -> None:
        """Start `name` on top of the stack (the flow below resumes when it ends)."""
        self.drop_closing_frame()
        current = self.conv.current
        if current is not None and current.flow == name:
            self.conv.frames.pop()
        flow = self.flows[name]
        self.conv.frames.append(Frame(flow=name, state=flow.start, facts=facts))
        await self.goto(flow.start)

    async def start_flow(self, name: str, args: str = "", *, prompt: bool = True) -> None:
        """A command started `name`: offer to continue a paused run, else start fresh.
        `prompt=False` sets up the offer to continue without asking it yet."""
        flow = self.flows[name]
        self.drop_closing_frame()
        running = next((f for f in self.conv.frames if f.flow == name), None)
        self.conv.frames = [f for f in self.conv.frames if f.flow != name]
        if (running is not None and flow.resumable and running.state != RESUME_STATE
                and (running.answers or running.history)):
            # /plan in the middle of the plan: answers given so far are not thrown away.
            self.conv.paused[name] = running
        paused = self.conv.paused.get(name)
        if paused is not None and flow.resumable and paused.state in flow.states:
            self.conv.frames.append(
                Frame(flow=name, state=RESUME_STATE, answers=paused.answers,
                      facts={**paused.facts, RUNNING_FACT: running is not None},
                      history=paused.history + [paused.state])
            )
            self.conv.seq += 1
            if prompt:
                await self.prompt_current()
            return
        await self.push_flow(name, {"args": args} if args else {})

    async def answer_resume(self, value: str) -> None:
        frame = self.conv.current
        assert frame is not None
        paused = self.conv.paused.pop(frame.flow, None)
        if value == "continue" and paused is not None:
            self.conv.frames[-1] = paused
            self.conv.seq += 1
            await self.prompt_current()
        else:
            self.conv.frames.pop()
            await self.push_flow(frame.flow, {})

    # ------------------------------------------------------------------ prompting

    async def current_choices(self) -> dict[str, str]:
        """Rendered label -> value for the buttons of the current question."""
        frame = self.conv.current
        if frame is None:
            return {}
        ctx = await self.context()
        render = self.engine.renderer.render
        if frame.state == RESUME_STATE:
            return {render(T["btn_continue"], ctx): "continue",
                    render(T["btn_start_over"], ctx): "restart"}
        state = self.flows[frame.flow].state(frame.state)
        spec = state.input
        choices: dict[str, str] = {}
        if spec is None:
            return choices
        if spec.type == "choice":
            for option in spec.options:
                if option.condition and not self.engine.renderer.evaluate(option.condition, ctx):
                    continue
                choices[render(option.label, ctx)] = option.value
        elif spec.type == "scale":
            for number in range(spec.minimum, spec.maximum + 1):
                choices[str(number)] = str(number)
        elif spec.type == "country":
            for code in COUNTRY_BUTTONS:
                choices[render(COUNTRY_LABEL[code], ctx)] = code
        elif spec.type == "timezone":
            for zone in timezone_choices(ctx["person"].get("country")):
                choices[render(f"timezones/{zone}", ctx)] = zone
        if spec.type == "time" and spec.allow_none:
            choices[render(T["btn_no_time"], ctx)] = "__none__"
        if spec.skippable:
            choices[render(T["btn_skip"], ctx)] = "__skip__"
        return choices

    async def prompt_current(self, prompt: str | None = None,
                             extra: Mapping[str, Any] | None = None) -> None:
        """Ask the current question (`prompt` instead of the state's own, if given)."""
        frame = self.conv.current
        assert frame is not None
        buttons = tuple(
            Button(label, button_data(self.conv.seq, value))
            for label, value in (await self.current_choices()).items()
        )
        if frame.state == RESUME_STATE:
            title = self.engine.renderer.render(self.flows[frame.flow].title, await self.context())
            running = bool(frame.facts.get(RUNNING_FACT))
            await self.say(T["resume_offer"], {"flow_title": title, "running": running},
                           buttons=buttons)
            return
        state = self.flows[frame.flow].state(frame.state)
        assert state.prompt is not None
        # The prompt knows how many buttons it comes with ("tap one" only when there are).
        await self.say(prompt or state.prompt, {"button_count": len(buttons), "asked_before": False,
                                                  **(extra or {})},
                       buttons=buttons)

    async def reprompt(self, resuming: bool = False) -> None:
        """Ask the current question again (after a command, an error, a finished sub-flow)."""
        frame = self.conv.current
        if frame is None:
            return
        if frame.state != RESUME_STATE:
            state = self.flows[frame.flow].state(frame.state)
            if state.input is None:
                return
        if resuming:
            title = self.engine.renderer.render(self.flows[frame.flow].title, await self.context())
            await self.say(T["resuming"], {"flow_title": title})
        # A prompt may ask more briefly the second time (`asked_before`).
        await self.prompt_current(extra={"asked_before": True})


def _restore(value: str) -> Any:
    """Button values are strings; the special ones mean 'no answer'."""
    return None if value == "__none__" else value

