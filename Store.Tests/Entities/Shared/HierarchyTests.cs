using System.Net;
using Store.Tests.Infrastructure;

namespace Store.Tests.Entities.Shared;

/// <summary>Parents must be collections and the tree has no cycle. The tests share one service, each with entities of its own.</summary>
public sealed class HierarchyTests(SharedStore shared) : IClassFixture<SharedStore>
{
    [Fact]
    public async Task Patch_parent_must_be_an_existing_collection()
    {
        var host = shared.Host;
        var media = await host.Client.CreateMediaAsync("media");
        var other = await host.Client.CreateMediaAsync("other");
        await Expect.DetailAsync(await host.Client.PatchAsync(media.Id(), new { parent_id = other.Id() }), HttpStatusCode.UnprocessableEntity, "not a collection");
        await Expect.DetailAsync(await host.Client.PatchAsync(media.Id(), new { parent_id = 999 }), HttpStatusCode.UnprocessableEntity, "999");
        Assert.True((await host.Client.GetOkAsync($"/entities/{media.Id()}")).IsNull("parent_id"));
    }

    [Fact]
    public async Task A_collection_cannot_be_its_own_parent()
    {
        var host = shared.Host;
        var folder = await host.Client.CreateCollectionAsync("folder");
        await Expect.DetailAsync(await host.Client.PatchAsync(folder.Id(), new { parent_id = folder.Id() }), HttpStatusCode.UnprocessableEntity);
        await Expect.DetailAsync(await host.Client.PutFormAsync(folder.Id(), Forms.Entity(true, "folder", parentId: folder.Id())), HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task A_collection_cannot_move_under_its_own_descendant()
    {
        var host = shared.Host;
        var a = await host.Client.CreateCollectionAsync("a");
        var b = await host.Client.CreateCollectionAsync("b", a.Id());
        var c = await host.Client.CreateCollectionAsync("c", b.Id());

        await Expect.DetailAsync(await host.Client.PatchAsync(a.Id(), new { parent_id = c.Id() }), HttpStatusCode.UnprocessableEntity, "ancestor");
        await Expect.DetailAsync(await host.Client.PutFormAsync(a.Id(), Forms.Entity(true, "a", parentId: b.Id())), HttpStatusCode.UnprocessableEntity, "ancestor");
        Assert.True((await host.Client.GetOkAsync($"/entities/{a.Id()}")).IsNull("parent_id"));
        Assert.Single((await host.Client.GetOkAsync($"/entities/{a.Id()}/versions")).EnumerateArray());
    }

    [Fact]
    public async Task Moving_within_the_tree_without_a_cycle_is_allowed()
    {
        var host = shared.Host;
        var a = await host.Client.CreateCollectionAsync("a");
        var b = await host.Client.CreateCollectionAsync("b", a.Id());
        var c = await host.Client.CreateCollectionAsync("c", b.Id());
        var moved = await Expect.StatusAsync(await host.Client.PatchAsync(c.Id(), new { parent_id = a.Id() }), HttpStatusCode.OK);
        Assert.Equal(a.Id(), moved.GetProperty("parent_id").GetInt64());
        var movedB = await Expect.StatusAsync(await host.Client.PatchAsync(b.Id(), new { parent_id = c.Id() }), HttpStatusCode.OK);
        Assert.Equal(c.Id(), movedB.GetProperty("parent_id").GetInt64());
    }

    [Fact]
    public async Task A_soft_deleted_collection_may_still_be_a_parent()
    {
        var host = shared.Host;
        var folder = await host.Client.CreateCollectionAsync("archived");
        await Expect.StatusAsync(await host.Client.PatchAsync(folder.Id(), new { is_deleted = true }), HttpStatusCode.OK);
        var child = await host.Client.CreateMediaAsync("into the archive", parentId: folder.Id());
        Assert.Equal(folder.Id(), child.GetProperty("parent_id").GetInt64());
    }
}
