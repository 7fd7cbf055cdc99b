using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.HttpResults;
using Store.Auth;
using Store.Data;
using Store.Http;
using Store.Jobs.Shared;

namespace Store.Jobs.Events;

public static class JobEventsEndpoint
{
    /// <summary>Re-read now and then even without a signal, in case a change came from elsewhere.</summary>
    static readonly TimeSpan Recheck = TimeSpan.FromSeconds(15);

    public static void MapJobEvents(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/compute/jobs/{job_id}/events", Handle)
            .RequireAccess(Access.Inference)
            .WithName("JobEvents")
            .WithSummary("Follow a job in real time (Server-Sent Events)")
            .WithDescription("Sends the job body (event `job`) at once and on every change; the stream ends when the job " +
                             "completes, fails or is deleted.");

    public static async Task<Results<ServerSentEventsResult<Job>, NotFound<ErrorBody>>> Handle(
        string job_id, HttpContext context, Db db, JobSignals signals, TimeProvider clock, IHostApplicationLifetime lifetime,
        CancellationToken ct)
    {
        await using (var connection = await db.OpenAsync(ct))
        {
            if (await JobSql.GetAsync(connection, null, job_id) is null) return Errors.NotFound("Job not found");
        }
        var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        context.Response.RegisterForDispose(stop);
        return TypedResults.ServerSentEvents(Follow(job_id, db, signals, clock, stop.Token), eventType: "job");
    }

    /// <summary>Yields the job whenever it differs from what was last sent; ends quietly on a finished or missing job or on shutdown.</summary>
    static async IAsyncEnumerable<Job> Follow(string jobId, Db db, JobSignals signals, TimeProvider clock,
        [EnumeratorCancellation] CancellationToken ct)
    {
        string? last = null;
        while (!ct.IsCancellationRequested)
        {
            var next = signals.Next;
            JobRow? row;
            await using (var connection = await db.OpenAsync(CancellationToken.None))
                row = await JobSql.GetAsync(connection, null, jobId);
            if (row is null) yield break;
            var job = row.ToJob();
            var text = JobJson.Text(job);
            if (text != last)
            {
                last = text;
                yield return job;
            }
            if (job.IsFinished) yield break;
            await JobSignals.WaitAsync(next, Recheck, clock, ct);
        }
    }
}
