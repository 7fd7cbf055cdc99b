using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Data.Sqlite;
using Store.Auth;
using Store.Data;
using Store.Http;
using Store.Jobs.Shared;

namespace Store.Jobs.Delete;

public static class DeleteJobEndpoint
{
    public static void MapDeleteJob(this IEndpointRouteBuilder routes) =>
        routes.MapDelete("/compute/jobs/{job_id}", Handle)
            .RequireAccess(Access.Inference)
            .WithName("DeleteJob")
            .WithSummary("Delete a job and its folder, whatever its status")
            .WithDescription("A worker still running it gets 404 when it reports.");

    public static async Task<Results<NoContent, NotFound<ErrorBody>>> Handle(
        string job_id, Db db, JobFolders folders, JobSignals signals, CancellationToken ct)
    {
        await using (var connection = await db.OpenAsync(ct))
        await using (var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct))
        {
            var deleted = await connection.ExecuteAsync("DELETE FROM jobs WHERE job_id = @job_id", new { job_id }, tx);
            if (deleted == 0) return Errors.NotFound("Job not found");
            // Under the write lock, so a completion cannot write outputs into the folder between the two.
            var removal = folders.SetAside([job_id]);
            try { await tx.CommitAsync(ct); }
            catch { removal.Undo(); throw; }
            removal.Complete();
        }
        signals.Changed();
        return TypedResults.NoContent();
    }
}
