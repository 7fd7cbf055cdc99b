using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Store.Http;
using Store.Compute.Queue;

namespace Store.Admin.JobsCleanup;

public sealed record CleanupQuery(int Days);

public sealed class CleanupQueryValidator : AbstractValidator<CleanupQuery>
{
    public CleanupQueryValidator() =>
        RuleFor(q => q.Days).GreaterThanOrEqualTo(1).WithMessage("Input should be greater than or equal to 1")
            .WithErrorCode("greater_than_equal");
}

public static class JobsCleanupEndpoint
{
    static readonly CleanupQueryValidator Validator = new();

    public static void MapJobsCleanup(this ApiGroup routes) =>
        routes.MapDelete("/compute/jobs/cleanup", Handle)
            .WithName("CleanupJobs")
            .WithSummary("Delete completed and failed jobs created more than `days` days ago, with their folders")
            .WithDescription("days ≥ 1, default 7. Pending and processing jobs are never removed.");

    public static async Task<Results<Ok<CleanupResult>, UnprocessableEntity<ValidationErrorBody>>> Handle(
        JobQueue queue, CancellationToken ct, int days = 7)
    {
        var validation = Validator.Validate(new CleanupQuery(days));
        if (!validation.IsValid) return Errors.Validation(validation, "query");
        return TypedResults.Ok(await queue.DeleteFinishedOlderThanAsync(days, ct));
    }
}
