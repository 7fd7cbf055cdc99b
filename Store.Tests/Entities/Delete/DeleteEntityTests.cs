using System.Net;
using Dapper;
using Store.Tests.Infrastructure;

namespace Store.Tests.Entities.Delete;

/// <remarks>The two refusals share one service, which keeps only what they make.</remarks>
[Trait("storage", "both")]
public sealed class DeleteEntityTests(SharedStore shared) : IClassFixture<SharedStore>
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static async Task<long> RowCountAsync(StoreHost host)
    {
        await using var db = await host.OpenDbAsync();
        return await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM entities");
    }

    [Fact]
    public async Task Removes_the_row_and_the_file_for_good()
    {
        await using var host = await StoreHost.StartAsync();
        var media = await host.Client.CreateMediaAsync("to be deleted");
        var other = await host.Client.CreateMediaAsync("to be kept");

        var response = await host.Client.DeleteAsync($"/entities/{media.Id()}", Ct);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Ct));
        await Expect.DetailAsync(await host.Client.GetEntityAsync(media.Id()), HttpStatusCode.NotFound);
        Assert.Equal([other.Str("file_path")!], host.StoredFiles());
        Assert.Equal(1, await RowCountAsync(host));
    }

    [Fact]
    public async Task Deleted_content_can_be_uploaded_again_as_a_new_entity()
    {
        await using var host = await StoreHost.StartAsync();
        var media = await host.Client.CreateMediaAsync("comes back");
        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.DeleteAsync($"/entities/{media.Id()}", Ct)).StatusCode);
        var again = await host.Client.CreateMediaAsync("comes back");
        Assert.NotEqual(media.Id(), again.Id());
        Assert.Single(host.StoredFiles());
        Assert.Single((await host.Client.GetOkAsync($"/entities/{again.Id()}/versions")).EnumerateArray());
    }

    [Fact]
    public async Task Unknown_id_is_a_404()
    {
        var host = shared.Host;
        await Expect.DetailAsync(await host.Client.DeleteAsync("/entities/31", Ct), HttpStatusCode.NotFound, "Entity not found");
        await Expect.DetailAsync(await host.Client.DeleteAsync("/entities/99999999999999999999999", Ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Collection_with_children_is_a_409_and_keeps_everything()
    {
        await using var host = await StoreHost.StartAsync();
        var folder = await host.Client.CreateCollectionAsync("folder");
        var child = await host.Client.CreateMediaAsync("child", parentId: folder.Id());
        await Expect.DetailAsync(await host.Client.DeleteAsync($"/entities/{folder.Id()}", Ct), HttpStatusCode.Conflict);
        await Expect.DetailAsync(await host.Client.DeleteAsync($"/entities/{folder.Id()}?recursive=false", Ct), HttpStatusCode.Conflict);
        Assert.Equal(2, await RowCountAsync(host));
        Assert.Equal([child.Str("file_path")!], host.StoredFiles());
    }

    [Fact]
    public async Task Soft_deleted_children_still_count()
    {
        await using var host = await StoreHost.StartAsync();
        var folder = await host.Client.CreateCollectionAsync("folder");
        var child = await host.Client.CreateMediaAsync("child", parentId: folder.Id());
        await Expect.StatusAsync(await host.Client.PatchAsync(child.Id(), new { is_deleted = true }), HttpStatusCode.OK);
        await Expect.DetailAsync(await host.Client.DeleteAsync($"/entities/{folder.Id()}", Ct), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Empty_collection_is_deleted()
    {
        await using var host = await StoreHost.StartAsync();
        var folder = await host.Client.CreateCollectionAsync("folder");
        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.DeleteAsync($"/entities/{folder.Id()}", Ct)).StatusCode);
        Assert.Equal(0, await RowCountAsync(host));
    }

    [Theory]
    [InlineData("true")]
    [InlineData("True")]
    [InlineData("1")]
    public async Task Recursive_removes_the_whole_subtree_and_its_files(string recursive)
    {
        await using var host = await StoreHost.StartAsync();
        var root = await host.Client.CreateCollectionAsync("root");
        var sub = await host.Client.CreateCollectionAsync("sub", root.Id());
        await host.Client.CreateMediaAsync("in root", parentId: root.Id());
        var deep = await host.Client.CreateMediaAsync("in sub", parentId: sub.Id());
        await Expect.StatusAsync(await host.Client.PatchAsync(deep.Id(), new { is_deleted = true }), HttpStatusCode.OK);
        var outside = await host.Client.CreateMediaAsync("outside");

        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.DeleteAsync($"/entities/{root.Id()}?recursive={recursive}", Ct)).StatusCode);
        Assert.Equal([outside.Id()], (await host.Client.GetOkAsync("/entities?include_deleted=true")).Ids());
        Assert.Equal([outside.Str("file_path")!], host.StoredFiles());
        await using var db = await host.OpenDbAsync();
        Assert.Equal(4, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM entity_versions WHERE operation_type = 2"));
    }

    [Fact]
    public async Task Recursive_that_is_not_a_boolean_is_a_422()
    {
        var host = shared.Host;
        var folder = await host.Client.CreateCollectionAsync("folder");
        await Expect.ShapeErrorAsync(await host.Client.DeleteAsync($"/entities/{folder.Id()}?recursive=please", Ct), "bool_parsing", "query", "recursive");
        Assert.Equal(1, await RowCountAsync(host));
    }

    [Theory]
    [InlineData("/entities")]
    [InlineData("/entities/collection")]
    public async Task Delete_all_removes_every_row_and_every_file(string path)
    {
        await using var host = await StoreHost.StartAsync();
        var folder = await host.Client.CreateCollectionAsync("folder");
        await host.Client.CreateMediaAsync("one", parentId: folder.Id());
        var two = await host.Client.CreateMediaAsync("two");
        await Expect.StatusAsync(await host.Client.PatchAsync(two.Id(), new { is_deleted = true }), HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.DeleteAsync(path, Ct)).StatusCode);
        Assert.Equal(0, await RowCountAsync(host));
        Assert.Empty(host.StoredFiles());
        await using (var db = await host.OpenDbAsync())
            Assert.Equal(3, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM entity_versions WHERE operation_type = 2"));
        Assert.Equal(0, (await host.Client.GetOkAsync("/entities?include_deleted=true")).GetProperty("pagination").GetProperty("total_items").GetInt64());

        // The store works as before afterwards, and new ids never reuse old ones.
        var fresh = await host.Client.CreateMediaAsync("one");
        Assert.True(fresh.Id() > two.Id());
        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.DeleteAsync(path, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.DeleteAsync(path, Ct)).StatusCode);
    }
}
