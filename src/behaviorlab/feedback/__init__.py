"""Human feedback on runs: 1-5 ratings stored against a run's trace (training filters and DPO
signal) and a queue of the runs most worth labelling."""

from behaviorlab.feedback._feedback import (
    Feedback,
    FeedbackError,
    QueueItem,
    RunRef,
    add_feedback,
    feedback_queue,
    list_feedback,
    mean_ratings,
    resolve_run,
)

__all__ = [
    "Feedback",
    "FeedbackError",
    "QueueItem",
    "RunRef",
    "add_feedback",
    "feedback_queue",
    "list_feedback",
    "mean_ratings",
    "resolve_run",
]
