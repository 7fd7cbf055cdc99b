using Microsoft.AspNetCore.Http.HttpResults;
using Store.Auth;
using Store.Http;
using Store.Jobs.Shared;

namespace Store.Admin.JobsCleanup;

public static class JobsCleanupEndpoint
{
    public static void MapJobsCleanup(this IEndpointRouteBuilder routes) =>
        routes.MapDelete("/admin/compute/jobs/cleanup", Handle)
            .RequireAccess(Access.Admin)
            .WithName("CleanupJobs")
            .WithSummary("Delete completed and failed jobs created more than `days` days ago, with their folders")
            .WithDescription("days ≥ 1, default 7. Pending and processing jobs are never removed.");

    public static async Task<Results<Ok<CleanupResult>, UnprocessableEntity<ValidationErrorBody>>> Handle(
        JobRetention retention, CancellationToken ct, int days = 7)
    {
        if (days < 1) return Errors.Validation("query", "days", "Input should be greater than or equal to 1", "greater_than_equal");
        return TypedResults.Ok(await retention.DeleteFinishedOlderThanAsync(days, ct));
    }
}
