using Microsoft.AspNetCore.Http.HttpResults;
using Store.Data;
using Store.Http;
using Store.Compute.Queue;
using Store.Contracts;

namespace Store.Compute.Jobs.Get;

public static class GetJobEndpoint
{
    public static void MapGetJob(this ApiGroup routes) =>
        routes.MapGet("/jobs/{job_id}", Handle)
            .WithName("GetJob")
            .WithSummary("Read a job: status, progress, files and output");

    public static async Task<Results<Ok<Job>, NotFound<ErrorBody>>> Handle(string job_id, Db db, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await JobSql.GetAsync(connection, null, job_id) is { } row
            ? TypedResults.Ok(row.ToJob())
            : Errors.NotFound("Job not found");
    }
}
