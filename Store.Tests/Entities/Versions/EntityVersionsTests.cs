using System.Net;
using System.Text.Json;
using Dapper;
using Store.Tests.Infrastructure;

namespace Store.Tests.Entities.Versions;

/// <remarks>The tests share one service, each with entities of its own.</remarks>
public sealed class EntityVersionsTests(SharedStore shared) : IClassFixture<SharedStore>
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static async Task<JsonElement[]> VersionsAsync(StoreHost host, long id) =>
        (await host.Client.GetOkAsync($"/entities/{id}/versions")).EnumerateArray().ToArray();

    [Fact]
    public async Task Unknown_entity_is_a_404()
    {
        var host = shared.Host;
        await Expect.DetailAsync(await host.Client.GetAsync("/entities/77/versions", Ct), HttpStatusCode.NotFound, "Entity not found");
    }

    [Fact]
    public async Task Create_writes_version_1_as_an_insert()
    {
        var host = shared.Host;
        var created = await host.Client.CreateMediaAsync("versioned", "v-one", description: "d");
        var versions = await VersionsAsync(host, created.Id());
        var v = Assert.Single(versions);
        Assert.Equal(1, v.GetProperty("version").GetInt32());
        Assert.Equal(0, v.GetProperty("operation_type").GetInt32());
        Assert.True(v.GetProperty("transaction_id").GetInt64() > 0);
        Assert.True(v.IsNull("end_transaction_id"));
        foreach (var field in created.EnumerateObject())
            Assert.Equal(field.Value.ToString(), v.GetProperty(field.Name).ToString());
    }

    [Fact]
    public async Task Every_replace_patch_writes_one_version_oldest_first_and_chained()
    {
        var host = shared.Host;
        var created = await host.Client.CreateMediaAsync("original content", "one");
        await Expect.StatusAsync(await host.Client.PatchAsync(created.Id(), new { label = "two" }), HttpStatusCode.OK);
        await Expect.StatusAsync(await host.Client.PutFormAsync(created.Id(),
            Forms.Entity(false, "three", file: Forms.Text("replaced content"))), HttpStatusCode.OK);
        await Expect.StatusAsync(await host.Client.PatchAsync(created.Id(), new { is_deleted = true }), HttpStatusCode.OK);

        var versions = await VersionsAsync(host, created.Id());
        Assert.Equal([1, 2, 3, 4], versions.Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal([0, 1, 1, 1], versions.Select(v => v.GetProperty("operation_type").GetInt32()));
        Assert.Equal(["one", "two", "three", "three"], versions.Select(v => v.Str("label")));
        Assert.Equal([false, false, false, true], versions.Select(v => v.GetProperty("is_deleted").GetBoolean()));
        Assert.NotEqual(versions[1].Str("md5"), versions[2].Str("md5"));
        var transactions = versions.Select(v => v.GetProperty("transaction_id").GetInt64()).ToArray();
        Assert.Equal(transactions.Order(), transactions);
        Assert.Equal(transactions.Length, transactions.Distinct().Count());
        for (var i = 0; i < versions.Length - 1; i++)
            Assert.Equal(transactions[i + 1], versions[i].GetProperty("end_transaction_id").GetInt64());
        Assert.True(versions[^1].IsNull("end_transaction_id"));
    }

    [Fact]
    public async Task Versions_of_one_entity_do_not_mix_with_another()
    {
        var host = shared.Host;
        var a = await host.Client.CreateCollectionAsync("a");
        var b = await host.Client.CreateCollectionAsync("b");
        await Expect.StatusAsync(await host.Client.PatchAsync(a.Id(), new { label = "a2" }), HttpStatusCode.OK);
        Assert.Single(await VersionsAsync(host, b.Id()));
        Assert.All(await VersionsAsync(host, a.Id()), v => Assert.Equal(a.Id(), v.Id()));
    }

    [Fact]
    public async Task Hard_delete_writes_a_delete_version_that_is_kept_but_not_served()
    {
        var host = shared.Host;
        var created = await host.Client.CreateCollectionAsync("gone");
        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.DeleteAsync($"/entities/{created.Id()}", Ct)).StatusCode);

        await Expect.DetailAsync(await host.Client.GetAsync($"/entities/{created.Id()}/versions", Ct), HttpStatusCode.NotFound);
        await Expect.DetailAsync(await host.Client.GetEntityAsync(created.Id(), "?version=1"), HttpStatusCode.NotFound);
        await using var db = await host.OpenDbAsync();
        var kept = (await db.QueryAsync<(long Version, long Operation, string Label)>(
            "SELECT version, operation_type, label FROM entity_versions WHERE id = @id ORDER BY version", new { id = created.Id() })).ToArray();
        Assert.Equal([(1L, 0L, "gone"), (2L, 2L, "gone")], kept);
    }
}
