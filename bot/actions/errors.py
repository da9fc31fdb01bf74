"""Why an action refuses a request, in a form the stock action server turns into a clear HTTP 400.

Both errors are rasa_sdk's `ActionExecutionRejection`: the server answers
`400 {"error": "<action>: <what is wrong>", "action_name": "<action>"}` (logged at debug level, no traceback),
and Rasa lets its other policies choose another action. Anything else an action raises is an internal error
the stock server answers with 500.
"""

from __future__ import annotations

from rasa_sdk.interfaces import ActionExecutionRejection


class RejectedInput(ActionExecutionRejection):
    """The request reached the action but cannot be processed; `problem` says what to fix."""

    def __init__(self, action_name: str, problem: str) -> None:
        super().__init__(action_name, f"{action_name}: {problem}")
        self.problem = problem


class MalformedTrackerError(RejectedInput):
    """The tracker lacks what the action needs (sender id, latest message, its text as a string)."""

    def __init__(self, action_name: str, problem: str) -> None:
        super().__init__(action_name, f"malformed tracker: {problem}")
        self.problem = problem
