using System.Net;
using Store.Tests.Infrastructure;

namespace Store.Tests.Entities.Replace;

/// <remarks>
/// Three refusals share one service, in which they make only collections (one of them checks that no file is kept).
/// </remarks>
[Trait("storage", "both")]
public sealed class ReplaceEntityTests(SharedStore shared) : IClassFixture<SharedStore>
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Replaces_fields_and_absent_description_and_parent_become_null()
    {
        await using var host = await StoreHost.StartAsync();
        var folder = await host.Client.CreateCollectionAsync("folder");
        var media = await host.Client.CreateMediaAsync("keep my file", "old", folder.Id(), "old description");

        var body = await Expect.StatusAsync(await host.Client.PutFormAsync(media.Id(), Forms.Entity(false, "new")), HttpStatusCode.OK);
        Assert.Equal("new", body.Str("label"));
        Assert.True(body.IsNull("description"));
        Assert.True(body.IsNull("parent_id"));
        Assert.Equal(media.Str("md5"), body.Str("md5"));
        Assert.Equal(media.Str("file_path"), body.Str("file_path"));
        Assert.Equal(media.GetProperty("added_date").GetInt64(), body.GetProperty("added_date").GetInt64());
        Assert.True(body.GetProperty("updated_date").GetInt64() >= media.GetProperty("updated_date").GetInt64());
        Assert.Equal([media.Str("file_path")!], host.StoredFiles());
        Assert.Equal("new", (await host.Client.GetOkAsync($"/entities/{media.Id()}")).Str("label"));
    }

    [Fact]
    public async Task Sets_description_and_parent_when_sent()
    {
        await using var host = await StoreHost.StartAsync();
        var folder = await host.Client.CreateCollectionAsync("folder");
        var sub = await host.Client.CreateCollectionAsync("sub");
        var body = await Expect.StatusAsync(await host.Client.PutFormAsync(sub.Id(),
            Forms.Entity(true, "renamed", "described", folder.Id())), HttpStatusCode.OK);
        Assert.Equal("described", body.Str("description"));
        Assert.Equal(folder.Id(), body.GetProperty("parent_id").GetInt64());
        Assert.True(body.GetProperty("is_collection").GetBoolean());
    }

    [Fact]
    public async Task Unknown_id_is_a_404()
    {
        var host = shared.Host;
        await Expect.DetailAsync(await host.Client.PutFormAsync(42, Forms.Entity(true, "x")), HttpStatusCode.NotFound, "Entity not found");
    }

    [Fact]
    public async Task Is_collection_and_label_are_required_in_list_form()
    {
        var host = shared.Host;
        var folder = await host.Client.CreateCollectionAsync();
        await Expect.ValidationAsync(await host.Client.PutFormAsync(folder.Id(), Forms.Entity(null, "x")), "body", "is_collection");
        await Expect.ValidationAsync(await host.Client.PutFormAsync(folder.Id(), Forms.Entity(true)), "body", "label");
        await Expect.ValidationAsync(await host.Client.PutFormAsync(folder.Id(), Forms.Fields(("is_collection", "nope"), ("label", "x"))), "body", "is_collection");
        await Expect.ValidationAsync(await host.Client.PutFormAsync(folder.Id(), Forms.Fields(("is_collection", "true"), ("label", "x"), ("parent_id", "x"))), "body", "parent_id");
    }

    [Fact]
    public async Task Changing_is_collection_is_a_422_in_detail_form_and_changes_nothing()
    {
        await using var host = await StoreHost.StartAsync();
        var folder = await host.Client.CreateCollectionAsync("folder");
        var media = await host.Client.CreateMediaAsync("media", "media");
        await Expect.DetailAsync(await host.Client.PutFormAsync(folder.Id(), Forms.Entity(false, "x", file: Forms.Text("now a file"))),
            HttpStatusCode.UnprocessableEntity, "is_collection");
        await Expect.DetailAsync(await host.Client.PutFormAsync(media.Id(), Forms.Entity(true, "x")),
            HttpStatusCode.UnprocessableEntity, "is_collection");
        Assert.Equal("folder", (await host.Client.GetOkAsync($"/entities/{folder.Id()}")).Str("label"));
        Assert.Equal("media", (await host.Client.GetOkAsync($"/entities/{media.Id()}")).Str("label"));
        Assert.Equal([media.Str("file_path")!], host.StoredFiles());
        Assert.Empty(host.TempFiles());
    }

    [Fact]
    public async Task Collection_with_a_file_is_a_422()
    {
        var host = shared.Host;
        var folder = await host.Client.CreateCollectionAsync("folder");
        await Expect.ValidationAsync(await host.Client.PutFormAsync(folder.Id(), Forms.Entity(true, "x", file: Forms.Text("no files here"))), "body", "image");
        Assert.Empty(host.StoredFiles());
        Assert.Empty(host.TempFiles());
    }

    [Fact]
    public async Task New_file_replaces_the_old_one_and_its_metadata_and_removes_it_from_disk()
    {
        await using var host = await StoreHost.StartAsync();
        var media = await host.Client.CreateMediaAsync("first version of the file", "photo");
        var newContent = Forms.Text("second, longer version of the file");

        var body = await Expect.StatusAsync(await host.Client.PutFormAsync(media.Id(), Forms.Entity(false, "photo", file: newContent)), HttpStatusCode.OK);
        Assert.Equal(media.Id(), body.Id());
        Assert.NotEqual(media.Str("md5"), body.Str("md5"));
        Assert.Equal(newContent.Length, body.GetProperty("file_size").GetInt64());
        Assert.EndsWith(string.IsNullOrEmpty(body.Str("extension")) ? body.Str("md5")! : $"{body.Str("md5")}.{body.Str("extension")}", body.Str("file_path"));
        Assert.Equal([body.Str("file_path")!], host.StoredFiles());
        Assert.Equal(newContent, await host.ReadStoredAsync(body.Str("file_path")!));
        Assert.Empty(host.TempFiles());
        Assert.Empty((await host.Client.GetOkAsync($"/entities?md5={media.Str("md5")}")).Ids());
    }

    [Fact]
    public async Task Same_file_again_keeps_the_entity_and_its_file()
    {
        await using var host = await StoreHost.StartAsync();
        var media = await host.Client.CreateMediaAsync("unchanged content", "photo");
        var body = await Expect.StatusAsync(await host.Client.PutFormAsync(media.Id(),
            Forms.Entity(false, "photo 2", file: Forms.Text("unchanged content"))), HttpStatusCode.OK);
        Assert.Equal(media.Str("md5"), body.Str("md5"));
        Assert.Equal([body.Str("file_path")!], host.StoredFiles());
    }

    [Fact]
    public async Task File_equal_to_another_entity_is_a_409_and_nothing_changes()
    {
        await using var host = await StoreHost.StartAsync();
        var other = await host.Client.CreateMediaAsync("the other's content", "other");
        var media = await host.Client.CreateMediaAsync("my own content", "mine", description: "kept");

        var response = await host.Client.PutFormAsync(media.Id(), Forms.Entity(false, "changed", file: Forms.Text("the other's content")));
        Assert.Equal($"Duplicate of entity {other.Id()}", await Expect.DetailAsync(response, HttpStatusCode.Conflict));

        var after = await host.Client.GetOkAsync($"/entities/{media.Id()}");
        Assert.Equal("mine", after.Str("label"));
        Assert.Equal("kept", after.Str("description"));
        Assert.Equal(media.Str("md5"), after.Str("md5"));
        Assert.Equal(new[] { other.Str("file_path")!, media.Str("file_path")! }.Order(StringComparer.Ordinal), host.StoredFiles());
        Assert.Empty(host.TempFiles());
        Assert.Single((await host.Client.GetOkAsync($"/entities/{media.Id()}/versions")).EnumerateArray());
    }

    [Fact]
    public async Task Empty_file_is_a_422_and_nothing_changes()
    {
        await using var host = await StoreHost.StartAsync();
        var media = await host.Client.CreateMediaAsync("content", "mine");
        await Expect.ValidationAsync(await host.Client.PutFormAsync(media.Id(), Forms.Entity(false, "x", file: [])), "body", "image");
        Assert.Equal("mine", (await host.Client.GetOkAsync($"/entities/{media.Id()}")).Str("label"));
        Assert.Equal([media.Str("file_path")!], host.StoredFiles());
    }

    [Fact]
    public async Task Parent_must_be_an_existing_collection_and_refusal_leaves_the_new_file_out()
    {
        await using var host = await StoreHost.StartAsync();
        var media = await host.Client.CreateMediaAsync("content", "mine");
        var notFolder = await host.Client.CreateMediaAsync("not a folder");
        await Expect.DetailAsync(await host.Client.PutFormAsync(media.Id(), Forms.Entity(false, "x", parentId: 999)), HttpStatusCode.UnprocessableEntity);
        await Expect.DetailAsync(await host.Client.PutFormAsync(media.Id(),
            Forms.Entity(false, "x", parentId: notFolder.Id(), file: Forms.Text("brand new content"))), HttpStatusCode.UnprocessableEntity, "not a collection");
        Assert.Equal(new[] { media.Str("file_path")!, notFolder.Str("file_path")! }.Order(StringComparer.Ordinal), host.StoredFiles());
        Assert.Empty(host.TempFiles());
    }

    [Theory]
    [InlineData("1", "0")]
    [InlineData("TRUE", "False")]
    [InlineData("True", "FALSE")]
    public async Task Is_collection_accepts_digits_and_any_case(string yes, string no)
    {
        await using var host = await StoreHost.StartAsync();
        var folder = await host.Client.CreateCollectionAsync("folder");
        var file = await host.Client.CreateMediaAsync("file");
        await Expect.StatusAsync(await host.Client.PutFormAsync(folder.Id(), Forms.Fields(("is_collection", yes), ("label", "f"))), HttpStatusCode.OK);
        await Expect.StatusAsync(await host.Client.PutFormAsync(file.Id(), Forms.Fields(("is_collection", no), ("label", "m"))), HttpStatusCode.OK);
    }
}
