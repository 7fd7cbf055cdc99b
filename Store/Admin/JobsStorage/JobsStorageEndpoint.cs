using Microsoft.AspNetCore.Http.HttpResults;
using Store.Data;
using Store.Http;
using Store.Compute.Queue;

namespace Store.Admin.JobsStorage;

public sealed record JobsStorageResponse(long TotalSize, long JobCount);

public static class JobsStorageEndpoint
{
    public static void MapJobsStorage(this ApiGroup routes) =>
        routes.MapGet("/compute/jobs/storage/size", Handle)
            .WithName("GetJobsStorageSize")
            .WithSummary("Bytes on disk under jobs/ and the number of jobs");

    public static async Task<Ok<JobsStorageResponse>> Handle(Db db, JobFolders folders, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var count = await JobSql.CountAsync(connection);
        return TypedResults.Ok(new JobsStorageResponse(await folders.SizeAsync(ct), count));
    }
}
