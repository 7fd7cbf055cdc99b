using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Store.Data;
using Store.Tests.Infrastructure;

namespace Store.Tests.Jobs;

/// <summary>
/// A job upload into a bucket on PostgreSQL holds the job (an advisory lock on a pooled connection of its own, see
/// Compute/Queue/JobHolds) while its files go up, then commits its row through a second connection. More such uploads
/// at once than Npgsql's pool has connections (100) once held the whole pool, so that the writes they waited for, and
/// every other request of the store, waited out the pool's timeout and failed. Here the bucket is stalled (a relay
/// in between) while they arrive, so every upload that can hold is holding at once, and the store must still answer,
/// and every upload commit once the bucket moves again. PostgreSQL and a bucket by nature.
/// </summary>
[Trait("speed", "slow")]
[Trait("database", "postgres-only")]
public sealed class JobHoldPoolTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task More_job_uploads_at_once_than_the_pool_has_connections_all_commit_and_the_store_answers_meanwhile()
    {
        var s3 = await S3Server.GetAsync();
        await using var relay = BucketRelay.Start(s3.Endpoint);
        var bucket = await s3.NewBucketAsync();
        var database = await TestDatabase.CreatePostgresConnectionAsync();
        await using var host = await StoreHost.StartAsync(s => s with { PostgresConnection = database, S3 = bucket with { Endpoint = relay.Endpoint } });
        var pool = host.App.Services.GetRequiredService<Db>().PoolSize!.Value;
        var uploads = pool + pool / 5;

        relay.StallAfter(0);
        var creates = Enumerable.Range(0, uploads)
            .Select(i => host.Client.PostAsync("/compute/jobs/multi", JobKit.Form("in.txt", Forms.Text($"job upload {i}")), Ct))
            .ToList();
        var holding = await SettledHoldsAsync(database, atLeast: pool / 2);
        TestContext.Current.TestOutputHelper?.WriteLine($"{uploads} uploads, {holding} holding the job at once, pool of {pool}");

        // Every put is stalled, every upload that could take its hold has it: the store still answers a read and a
        // write through the job queue's gate.
        Assert.Equal(0, (await host.Client.GetOkAsync("/entities")).GetProperty("pagination").GetProperty("total_items").GetInt64());
        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.ClaimAsync("w1", ["other"])).StatusCode);

        relay.Release();
        var answers = await Task.WhenAll(creates);
        var statuses = answers.GroupBy(a => a.StatusCode).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(statuses.Keys.All(s => s == HttpStatusCode.Created), "answers: " + string.Join(", ", statuses.Select(p => $"{(int)p.Key} × {p.Value}")));
        await using (var connection = new NpgsqlConnection(database + ";Pooling=false"))
        {
            await connection.OpenAsync(Ct);
            await using var command = new NpgsqlCommand("SELECT count(*) FROM jobs", connection);
            Assert.Equal((long)uploads, (long)(await command.ExecuteScalarAsync(Ct))!);
        }
        var audit = await host.Client.GetOkAsync("/system/audit");
        Assert.True(audit.GetProperty("orphaned_files").GetArrayLength() == 0, audit.ToString());
        Assert.True(audit.GetProperty("missing_files").GetArrayLength() == 0, audit.ToString());
    }

    /// <summary>
    /// Waits until at least <paramref name="atLeast"/> jobs are held (their advisory locks, seen from the server) and
    /// the number has stopped growing for a second; answers it. Reaching the patience is a failure, never a pass.
    /// </summary>
    static async Task<long> SettledHoldsAsync(string database, int atLeast)
    {
        await using var connection = new NpgsqlConnection(database + ";Pooling=false");
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            connection);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        long last = -1;
        var since = DateTime.UtcNow;
        while (true)
        {
            var held = (long)(await command.ExecuteScalarAsync(Ct))!;
            if (held != last) (last, since) = (held, DateTime.UtcNow);
            else if (held >= atLeast && DateTime.UtcNow - since >= TimeSpan.FromSeconds(1)) return held;
            Assert.True(DateTime.UtcNow < deadline, $"only {held} jobs held after two minutes");
            await Task.Delay(100, Ct);
        }
    }
}
