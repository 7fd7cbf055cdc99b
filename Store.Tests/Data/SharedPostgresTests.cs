using System.Collections.Concurrent;
using System.Net;
using Store.Tests.Infrastructure;
using Store.Tests.Jobs;

namespace Store.Tests.Data;

/// <summary>
/// Two services on one PostgreSQL database and one data folder, always on PostgreSQL: what neither process's own locks
/// can settle is settled by the database (the content hash, SKIP LOCKED, the lock for moves). Two real processes on
/// one database and one bucket, with their signals, events, read-auth and sweeps: Store.Tests/Instances.
/// </summary>
public sealed class SharedPostgresTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The second service shares the first's database and folders; the first one's disposal removes them.</summary>
    static async Task<(StoreHost First, StoreHost Second)> TwoAsync()
    {
        var database = await TestDatabase.CreatePostgresConnectionAsync();
        var first = await StoreHost.StartAsync(s => s with { PostgresConnection = database });
        var second = await StoreHost.StartAsync(s => s with
        {
            PostgresConnection = database, ServerDir = first.Settings.ServerDir, MediaDir = first.Settings.MediaDir,
        });
        second.KeepData = true;
        return (first, second);
    }

    [Fact]
    public async Task The_same_content_sent_to_both_at_once_makes_one_entity_and_one_file()
    {
        var (first, second) = await TwoAsync();
        await using (first)
        await using (second)
        {
            var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? first : second).Client.PostAsync(
                "/entities", Forms.Entity(false, $"copy {i}", file: Forms.Text("one picture, sent to two services")), Ct)));

            Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"got {(int)r.StatusCode}"));
            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
            var id = Assert.Single((await Task.WhenAll(responses.Select(r => r.ReadJsonAsync()))).Select(b => b.Id()).Distinct());
            Assert.Equal([id], (await second.Client.GetOkAsync("/entities")).Ids());
            Assert.Single(first.StoredFiles());
            Assert.Single((await first.Client.GetOkAsync($"/entities/{id}/versions")).EnumerateArray());
        }
    }

    [Fact]
    public async Task Jobs_created_through_one_are_claimed_through_either_and_never_twice()
    {
        var (first, second) = await TwoAsync();
        await using (first)
        await using (second)
        {
            const int jobs = 20, workers = 8;
            var ids = new List<string>();
            for (var i = 0; i < jobs; i++) ids.Add((await first.CreateAsync("shared", JobKit.Form($"{i}.bin", [(byte)i]))).JobId());

            var claimed = new ConcurrentBag<string>();
            await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
            {
                using var client = (w % 2 == 0 ? first : second).NewClient();
                while (true)
                {
                    var response = await client.ClaimAsync($"w{w}", ["shared"]);
                    if (response.StatusCode == HttpStatusCode.NoContent) return;
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    claimed.Add((await response.ReadJsonAsync()).JobId());
                }
            }, Ct)));

            Assert.Equal(ids.Order(), claimed.Order());
        }
    }

    [Fact]
    public async Task Of_two_crossing_moves_at_once_one_is_refused()
    {
        var (first, second) = await TwoAsync();
        await using (first)
        await using (second)
        {
            for (var round = 0; round < 5; round++)
            {
                var a = (await first.Client.CreateCollectionAsync($"a{round}")).Id();
                var b = (await first.Client.CreateCollectionAsync($"b{round}")).Id();
                var moves = await Task.WhenAll(
                    first.Client.PatchAsync(a, new { parent_id = b }),
                    second.Client.PatchAsync(b, new { parent_id = a }));
                Assert.Single(moves, m => m.StatusCode == HttpStatusCode.OK);
                Assert.Single(moves, m => m.StatusCode == HttpStatusCode.UnprocessableEntity);
            }
        }
    }
}
