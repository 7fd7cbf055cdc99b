using System.Net;
using Dapper;
using Store.Tests.Infrastructure;

namespace Store.Tests.Entities.Shared;

[Trait("storage", "both")]
public sealed class EntityConcurrencyTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Twenty_parallel_creates_all_succeed_with_distinct_ids()
    {
        await using var host = await StoreHost.StartAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
        {
            var form = i % 2 == 0
                ? Forms.Entity(true, $"folder {i}")
                : Forms.Entity(false, $"file {i}", file: Forms.Text($"parallel content {i}"));
            return host.Client.PostAsync("/entities", form, Ct);
        }));

        var bodies = await Task.WhenAll(responses.Select(r => Expect.StatusAsync(r, HttpStatusCode.Created)));
        Assert.Equal(20, bodies.Select(b => b.Id()).Distinct().Count());
        Assert.Equal(10, host.StoredFiles().Count);
        Assert.Empty(host.TempFiles());
        Assert.Equal(20, (await host.Client.GetOkAsync("/entities?page_size=100")).Ids().Count);
        await using var db = await host.OpenDbAsync();
        Assert.Equal(20, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM entity_versions"));
    }

    [Fact]
    public async Task Ten_parallel_uploads_of_the_same_file_create_exactly_one_entity()
    {
        await using var host = await StoreHost.StartAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            host.Client.PostAsync("/entities", Forms.Entity(false, $"copy {i}", file: Forms.Text("one picture, sent ten times")), Ct)));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"got {(int)r.StatusCode}"));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        var ids = (await Task.WhenAll(responses.Select(r => r.ReadJsonAsync()))).Select(b => b.Id()).Distinct().ToList();
        var id = Assert.Single(ids);
        Assert.Equal([id], (await host.Client.GetOkAsync("/entities")).Ids());
        Assert.Single(host.StoredFiles());
        Assert.Empty(host.TempFiles());
        Assert.Single((await host.Client.GetOkAsync($"/entities/{id}/versions")).EnumerateArray());
    }

    [Fact]
    public async Task Parallel_patches_of_one_entity_each_write_one_version()
    {
        await using var host = await StoreHost.StartAsync();
        var folder = await host.Client.CreateCollectionAsync("start");
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => host.Client.PatchAsync(folder.Id(), new { label = $"label {i}" })));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var versions = (await host.Client.GetOkAsync($"/entities/{folder.Id()}/versions")).EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(1, 11), versions.Select(v => v.GetProperty("version").GetInt32()));
        Assert.Single(versions, v => v.IsNull("end_transaction_id"));
    }
}
