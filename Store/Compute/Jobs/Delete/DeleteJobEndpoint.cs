using Microsoft.AspNetCore.Http.HttpResults;
using Store.Http;
using Store.Compute.Queue;

namespace Store.Compute.Jobs.Delete;

public static class DeleteJobEndpoint
{
    public static void MapDeleteJob(this ApiGroup routes) =>
        routes.MapDelete("/jobs/{job_id}", Handle)
            .WithName("DeleteJob")
            .WithSummary("Delete a job and its folder, whatever its status")
            .WithDescription("A worker still running it gets 404 when it reports.");

    public static async Task<Results<NoContent, NotFound<ErrorBody>>> Handle(string job_id, JobQueue queue, CancellationToken ct) =>
        await queue.DeleteAsync(job_id, ct) ? TypedResults.NoContent() : Errors.NotFound("Job not found");
}
