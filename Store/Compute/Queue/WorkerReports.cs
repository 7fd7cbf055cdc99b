using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Store.Http;
using Store.Contracts;

namespace Store.Compute.Queue;

/// <summary>What the worker endpoints (claim, progress, complete, fail, heartbeat) share: id and task type rules, and refusals.</summary>
public static class WorkerReports
{
    public const int MaxWorkerIdLength = 128;

    public static IRuleBuilderOptions<T, string?> ValidWorkerId<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage("Field required").WithErrorCode("missing")
            .MaximumLength(MaxWorkerIdLength).WithMessage($"worker_id is at most {MaxWorkerIdLength} characters").WithErrorCode("string_too_long");

    /// <summary>A task type as job routes, claims and capabilities name it: 1 to 64 of a-z, 0-9 and _.</summary>
    public static IRuleBuilderOptions<T, string?> ValidTaskType<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Matches("^[a-z0-9_]{1,64}$").WithMessage("Task types use 1 to 64 of a-z, 0-9 and _").WithErrorCode("string_pattern_mismatch");

    /// <summary>200 with the job, 404 for a job that is gone, 409 for a worker that does not hold it (any more).</summary>
    public static Results<Ok<Job>, NotFound<ErrorBody>, Conflict<ErrorBody>, UnprocessableEntity<ValidationErrorBody>> ToResult(
        this ReportOutcome outcome, string workerId) => outcome.Status switch
    {
        ReportStatus.Ok => TypedResults.Ok(outcome.Job!),
        ReportStatus.NotFound => Errors.NotFound("Job not found"),
        _ => Errors.Conflict(outcome.Job!.Status == JobStatus.Processing && outcome.Job.WorkerId != workerId
            ? $"Job is held by another worker, not {workerId}"
            : $"Job is {outcome.Job.Status} and not held by worker {workerId} (its lease may have lapsed)"),
    };
}
