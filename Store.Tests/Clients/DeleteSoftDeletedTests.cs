using System.Net;
using Store.Tests.Infrastructure;

namespace Store.Tests.Clients;

/// <summary>The CL SDKs delete a collection by setting is_deleted=true, then sending DELETE: that removes its subtree.</summary>
public sealed class DeleteSoftDeletedTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_soft_deleted_collection_goes_with_its_subtree_and_files()
    {
        await using var host = await StoreHost.StartAsync();
        var root = await host.Client.CreateCollectionAsync("root");
        var inner = await host.Client.CreateCollectionAsync("inner", root.Id());
        var a = await host.Client.CreateMediaAsync("a", parentId: root.Id());
        var b = await host.Client.CreateMediaAsync("b", parentId: inner.Id());
        var other = await host.Client.CreateMediaAsync("other");
        Assert.Equal(3, host.StoredFiles().Count);

        // Not soft-deleted: the seed's rule holds.
        await Expect.DetailAsync(await host.Client.DeleteAsync($"/entities/{root.Id()}", Ct), HttpStatusCode.Conflict);

        await Expect.StatusAsync(await host.Client.PatchAsync(root.Id(), new { is_deleted = true }), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.DeleteAsync($"/entities/{root.Id()}", Ct)).StatusCode);

        foreach (var gone in new[] { root, inner, a, b })
            Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetEntityAsync(gone.Id())).StatusCode);
        Assert.Equal([other.Str("file_path")!], host.StoredFiles());
        Assert.Equal([other.Id()], (await host.Client.GetOkAsync("/entities")).Ids());
        // Each removed entity's history ends with a delete.
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/entities/{b.Id()}/versions", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_soft_deleted_child_does_not_make_its_live_parent_deletable()
    {
        await using var host = await StoreHost.StartAsync();
        var root = await host.Client.CreateCollectionAsync("root");
        var child = await host.Client.CreateMediaAsync("child", parentId: root.Id());
        await Expect.StatusAsync(await host.Client.PatchAsync(child.Id(), new { is_deleted = true }), HttpStatusCode.OK);
        await Expect.DetailAsync(await host.Client.DeleteAsync($"/entities/{root.Id()}", Ct), HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.DeleteAsync($"/entities/{child.Id()}", Ct)).StatusCode);
        Assert.Empty(host.StoredFiles());
    }
}
