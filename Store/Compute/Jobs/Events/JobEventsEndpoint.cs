using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.HttpResults;
using Store.Data;
using Store.Http;
using Store.Compute.Queue;

namespace Store.Compute.Jobs.Events;

public static class JobEventsEndpoint
{
    public static void MapJobEvents(this ApiGroup routes) =>
        routes.MapGet("/jobs/{job_id}/events", Handle)
            .WithName("JobEvents")
            .WithSummary("Follow a job in real time (Server-Sent Events)")
            .WithDescription("Sends the job body (event `job`) at once and on every change, and a `: keep-alive` comment " +
                             "every 15 s while nothing changes; the stream ends when the job completes, fails or is deleted.");

    public static async Task<Results<JobEventStream, NotFound<ErrorBody>>> Handle(
        string job_id, HttpContext context, Db db, JobSignals signals, TimeProvider clock, IHostApplicationLifetime lifetime,
        CancellationToken ct)
    {
        await using (var connection = await db.OpenAsync(ct))
        {
            if (await JobSql.GetAsync(connection, null, job_id) is null) return Errors.NotFound("Job not found");
        }
        var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        context.Response.RegisterForDispose(stop);
        var keepAlive = (context.RequestServices.GetService<JobEventsOptions>() ?? JobEventsOptions.Default).KeepAlive;
        return new JobEventStream(Follow(job_id, db, signals, clock, keepAlive, stop.Token));
    }

    /// <summary>
    /// Yields the job's JSON whenever it differs from what was last sent, and null (a keep-alive) once nothing was
    /// sent for <paramref name="keepAlive"/>; ends quietly on a finished or missing job or on shutdown. The signal is
    /// shared by all jobs, so silence is measured by the clock, not by the absence of signals; the idle wake-up also
    /// re-reads the job, in case a change came from elsewhere.
    /// </summary>
    static async IAsyncEnumerable<string?> Follow(string jobId, Db db, JobSignals signals, TimeProvider clock, TimeSpan keepAlive,
        [EnumeratorCancellation] CancellationToken ct)
    {
        string? last = null;
        var lastSent = clock.GetUtcNow();
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
                lastSent = clock.GetUtcNow();
                yield return text;
            }
            if (job.IsFinished) yield break;
            await JobSignals.WaitAsync(next, lastSent + keepAlive - clock.GetUtcNow(), clock, ct);
            if (clock.GetUtcNow() - lastSent >= keepAlive && !ct.IsCancellationRequested)
            {
                lastSent = clock.GetUtcNow();
                yield return null;
            }
        }
    }
}
