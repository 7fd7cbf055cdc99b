using System.Net;
using Dapper;
using Store.Data;
using Store.Tests.Infrastructure;

namespace Store.Tests.Data;

/// <summary>
/// Writes that share a commit (Data/WriteBatch) keep every one's own outcome: a write that fails or does not commit
/// leaves nothing, the others keep their rows, and each caller hears of its own write only once it is durable.
/// </summary>
public sealed class WriteBatchTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_write_of_a_shared_commit_keeps_its_own_outcome()
    {
        await using var temp = TempDb.Create();
        var db = new Db(temp.Settings.Data);
        await using var batch = new WriteBatch(db);
        var writes = Enumerable.Range(0, 60).Select(i => Task.Run(() => batch.RunAsync(async unit =>
        {
            await unit.Connection.ExecuteAsync(
                "INSERT INTO entities (is_collection, label, added_date, updated_date) VALUES (1, @label, 1, 1)",
                new { label = $"write {i}" }, unit.Transaction);
            if (i % 4 == 0) throw new InvalidOperationException($"write {i} fails");
            if (i % 4 != 1) await unit.CommitAsync(Ct);
            return i;
        }, Ct), Ct)).ToList();

        for (var i = 0; i < writes.Count; i++)
        {
            if (i % 4 == 0) Assert.Equal($"write {i} fails", (await Assert.ThrowsAsync<InvalidOperationException>(() => writes[i])).Message);
            else Assert.Equal(i, await writes[i]);
        }
        await using var connection = await db.OpenAsync(Ct);
        var labels = (await connection.QueryAsync<string>("SELECT label FROM entities")).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 60).Where(i => i % 4 >= 2).Select(i => $"write {i}").Order(), labels);
        // The history trigger ran for the kept rows only.
        Assert.Equal(labels.Count, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM entity_versions"));
    }

    [Fact]
    public async Task Concurrent_creates_and_patches_through_http_each_get_their_own_answer()
    {
        await using var host = await StoreHost.StartAsync();
        var parent = (await host.Client.CreateCollectionAsync("parent")).Id();
        // A third name a parent that does not exist: those answer 422 and leave nothing.
        var creates = Enumerable.Range(0, 90).Select(i => host.Client.PostAsync("/entities",
            Forms.Entity(true, $"child {i}", null, i % 3 == 0 ? 999_999 : parent), Ct)).ToList();
        var answers = await Task.WhenAll(creates);
        var ids = new List<long>();
        for (var i = 0; i < answers.Length; i++)
        {
            if (i % 3 == 0)
            {
                Assert.Equal(HttpStatusCode.UnprocessableEntity, answers[i].StatusCode);
                continue;
            }
            var body = await Expect.StatusAsync(answers[i], HttpStatusCode.Created);
            Assert.Equal($"child {i}", body.GetProperty("label").GetString());
            ids.Add(body.Id());
        }
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var children = await host.Client.GetOkAsync($"/entities?parent_id={parent}&page_size=100");
        Assert.Equal(60, children.GetProperty("pagination").GetProperty("total_items").GetInt64());

        // Forty patches of one entity at once: each answers 200 and each is a version of its own.
        var target = ids[0];
        var patches = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => host.Client.PatchAsync(target, new { label = $"label {i}" })));
        Assert.All(patches, p => Assert.Equal(HttpStatusCode.OK, p.StatusCode));
        var versions = await host.Client.GetOkAsync($"/entities/{target}/versions");
        Assert.Equal(41, versions.GetArrayLength());
    }
}
