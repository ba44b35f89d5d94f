"""request_user_input in the TUI: each of the model's questions as a list picker
(codex.tui.choice) titled by its header, the question under it and its options as rows; the
answers go back to core as one `user_input_answer` op.

Esc leaves that question unanswered (the model reads only the answered ones, and
`{"answers":{}}` when none was). Not here yet: 0.169's free-form "Other" answer (`is_other`)
and its own look of this view (not captured), so this is codex-py's shape of it.
"""

from __future__ import annotations

from typing import Any


async def ask_user_input(app: Any, request: Any) -> None:
    """Put `request`'s questions one after another, then answer core."""
    from codex.protocol.ops import UserInputAnswer
    from codex.tui.choice import Choice, ChoiceScreen

    questions = list(request.questions)
    answers: dict[str, Any] = {}

    async def finish() -> None:
        await app.session.submit(UserInputAnswer(request.call_id, {"answers": answers}))
        count = len(answers)
        if count:
            app.mapper.notice(f"✔ You answered {count} of {len(questions)} questions", "green")
        else:
            app.mapper.notice("✗ You left the questions unanswered", "red")
        app.mark_dirty()
        from codex.tui.widgets import Composer

        app.query_one(Composer).focus()

    def ask(index: int) -> None:
        if index >= len(questions):
            app.run_worker(finish(), exclusive=False)
            return
        question = questions[index]
        choices = [
            Choice(str(o.get("label", "")), str(o.get("description", "")), value=o.get("label"))
            for o in question.get("options") or []
        ]

        def answered(result: tuple[Any, str] | None) -> None:
            if result is not None and result[0] is not None:
                answers[str(question.get("id", ""))] = {"answers": [str(result[0])]}
            ask(index + 1)

        title = str(question.get("header", "")) or "Question"
        if len(questions) > 1:
            title = f"{title} ({index + 1}/{len(questions)})"
        app.push_screen(
            ChoiceScreen(
                title,
                choices,
                subtitle=str(question.get("question", "")),
                footer="enter answer · esc skip",
            ),
            answered,
        )

    ask(0)
