using System.Net;
using System.Text.Json;
using Store.Tests.Infrastructure;

namespace Store.Tests.Entities.Create;

/// <summary>
/// Creates, and the creates that must be refused: the refused ones share one service, which stays empty (several
/// check so).
/// </summary>
[Trait("storage", "both")]
public sealed class CreateEntityTests(SharedStore shared) : IClassFixture<SharedStore>
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static readonly string[] SeedKeys =
    [
        "id", "is_collection", "label", "description", "parent_id", "added_date", "updated_date", "is_deleted",
        "create_date", "added_by", "updated_by", "file_size", "height", "width", "duration", "mime_type", "type",
        "extension", "md5", "file_path",
    ];

    [Fact]
    public async Task Collection_is_created_with_every_seed_key()
    {
        await using var host = await StoreHost.StartAsync();
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var response = await host.Client.PostAsync("/entities", Forms.Entity(true, "Trip", "Summer"), Ct);
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var body = await Expect.StatusAsync(response, HttpStatusCode.Created);
        Assert.Equal($"/entities/{body.Id()}", response.Headers.Location?.OriginalString);
        foreach (var key in SeedKeys) Assert.True(body.TryGetProperty(key, out _), $"missing key {key}");
        Assert.True(body.GetProperty("is_collection").GetBoolean());
        Assert.Equal("Trip", body.Str("label"));
        Assert.Equal("Summer", body.Str("description"));
        Assert.False(body.GetProperty("is_deleted").GetBoolean());
        Assert.InRange(body.GetProperty("added_date").GetInt64(), before, after);
        Assert.Equal(body.GetProperty("added_date").GetInt64(), body.GetProperty("updated_date").GetInt64());
        Assert.InRange(body.GetProperty("create_date").GetInt64(), before, after);
        foreach (var key in new[] { "parent_id", "added_by", "updated_by", "file_size", "md5", "file_path", "mime_type" })
            Assert.True(body.IsNull(key), $"{key} should be null for a collection");
    }

    [Fact]
    public async Task Media_item_stores_its_file_under_the_upload_date_and_hash()
    {
        await using var host = await StoreHost.StartAsync();
        var content = Forms.Text("a small note for the media test");
        var day = DateTime.UtcNow.Date;
        var body = await Expect.StatusAsync(
            await host.Client.PostAsync("/entities", Forms.Entity(false, "Note", file: content, fileName: "note.txt"), Ct),
            HttpStatusCode.Created);
        var dayAfter = DateTime.UtcNow.Date;

        Assert.False(body.GetProperty("is_collection").GetBoolean());
        Assert.Equal(content.Length, body.GetProperty("file_size").GetInt64());
        var md5 = body.Str("md5");
        Assert.False(string.IsNullOrEmpty(md5));
        var extension = body.Str("extension");
        var name = string.IsNullOrEmpty(extension) ? md5 : $"{md5}.{extension}";
        var expected = new[] { day, dayAfter }.Select(d => $"store/{d:yyyy}/{d:MM}/{d:dd}/{name}");
        Assert.Contains(body.Str("file_path"), expected);
        Assert.Equal(content, await host.ReadStoredAsync(body.Str("file_path")!));
        Assert.Equal([body.Str("file_path")!], host.StoredFiles());
        Assert.Empty(host.TempFiles());
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("True", true)]
    [InlineData("1", true)]
    [InlineData("false", false)]
    [InlineData("FALSE", false)]
    [InlineData("False", false)]
    [InlineData("0", false)]
    public async Task Is_collection_accepts_booleans_in_any_case_and_digits(string raw, bool expected)
    {
        await using var host = await StoreHost.StartAsync();
        var form = Forms.Fields(("is_collection", raw), ("label", "x"));
        if (!expected) form.Add(Forms.File(Forms.Text($"content for {raw}")), "image", "a.txt");
        var body = await Expect.StatusAsync(await host.Client.PostAsync("/entities", form, Ct), HttpStatusCode.Created);
        Assert.Equal(expected, body.GetProperty("is_collection").GetBoolean());
    }

    [Fact]
    public async Task Missing_is_collection_is_a_422_in_list_form()
    {
        var host = shared.Host;
        var response = await host.Client.PostAsync("/entities", Forms.Entity(null, "x"), Ct);
        var items = await Expect.ValidationAsync(response, "body", "is_collection");
        Assert.Equal("missing", items[0].GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("2")]
    [InlineData("")]
    public async Task Is_collection_that_is_not_a_boolean_is_a_422_in_list_form(string raw)
    {
        var host = shared.Host;
        var response = await host.Client.PostAsync("/entities", Forms.Fields(("is_collection", raw)), Ct);
        await Expect.ValidationAsync(response, "body", "is_collection");
        Assert.Empty(host.StoredFiles());
    }

    [Fact]
    public async Task Media_item_without_a_file_is_a_422()
    {
        var host = shared.Host;
        await Expect.ValidationAsync(await host.Client.PostAsync("/entities", Forms.Entity(false, "x"), Ct), "body", "image");
    }

    [Fact]
    public async Task Media_item_with_an_empty_file_is_a_422_and_leaves_nothing()
    {
        var host = shared.Host;
        var response = await host.Client.PostAsync("/entities", Forms.Entity(false, "x", file: []), Ct);
        await Expect.ValidationAsync(response, "body", "image");
        Assert.Empty(host.StoredFiles());
        Assert.Empty(host.TempFiles());
        Assert.Equal(0, (await host.Client.GetOkAsync("/entities")).GetProperty("pagination").GetProperty("total_items").GetInt64());
    }

    [Fact]
    public async Task Collection_with_a_file_is_a_422_and_leaves_nothing()
    {
        var host = shared.Host;
        var response = await host.Client.PostAsync("/entities", Forms.Entity(true, "x", file: Forms.Text("not for a folder")), Ct);
        await Expect.ValidationAsync(response, "body", "image");
        Assert.Empty(host.StoredFiles());
        Assert.Empty(host.TempFiles());
    }

    [Fact]
    public async Task Parent_must_exist()
    {
        var host = shared.Host;
        var response = await host.Client.PostAsync("/entities", Forms.Entity(true, "x", parentId: 999), Ct);
        await Expect.DetailAsync(response, HttpStatusCode.UnprocessableEntity, "999");
    }

    [Fact]
    public async Task Parent_must_be_a_collection_and_a_refused_upload_leaves_nothing()
    {
        await using var host = await StoreHost.StartAsync();
        var media = await host.Client.CreateMediaAsync("the would-be parent");
        var response = await host.Client.PostAsync("/entities",
            Forms.Entity(false, "child", parentId: media.Id(), file: Forms.Text("child content")), Ct);
        await Expect.DetailAsync(response, HttpStatusCode.UnprocessableEntity, "not a collection");
        Assert.Equal([media.Str("file_path")!], host.StoredFiles());
        Assert.Empty(host.TempFiles());
    }

    [Fact]
    public async Task Parent_id_that_is_not_a_number_is_a_422_in_list_form()
    {
        var host = shared.Host;
        var response = await host.Client.PostAsync("/entities", Forms.Fields(("is_collection", "true"), ("parent_id", "abc")), Ct);
        await Expect.ValidationAsync(response, "body", "parent_id");
    }

    [Fact]
    public async Task Child_of_a_collection_records_its_parent()
    {
        await using var host = await StoreHost.StartAsync();
        var folder = await host.Client.CreateCollectionAsync("Holidays");
        var child = await host.Client.CreateMediaAsync("beach", "Beach", folder.Id());
        var sub = await host.Client.CreateCollectionAsync("Day 1", folder.Id());
        Assert.Equal(folder.Id(), child.GetProperty("parent_id").GetInt64());
        Assert.Equal(folder.Id(), sub.GetProperty("parent_id").GetInt64());
    }

    [Fact]
    public async Task Same_content_again_returns_the_existing_entity_with_200_and_writes_nothing()
    {
        await using var host = await StoreHost.StartAsync();
        var first = await host.Client.CreateMediaAsync("same bytes twice", "first");
        var again = await host.Client.PostAsync("/entities",
            Forms.Entity(false, "second", "other", file: Forms.Text("same bytes twice"), fileName: "other-name.bin"), Ct);

        var body = await Expect.StatusAsync(again, HttpStatusCode.OK);
        Assert.Equal(first.Id(), body.Id());
        Assert.Equal("first", body.Str("label"));
        Assert.Equal(first.Str("md5"), body.Str("md5"));
        Assert.Equal(first.Str("file_path"), body.Str("file_path"));
        Assert.Equal([first.Str("file_path")!], host.StoredFiles());
        Assert.Empty(host.TempFiles());
        var versions = await host.Client.GetOkAsync($"/entities/{first.Id()}/versions");
        Assert.Single(versions.EnumerateArray());
        Assert.Equal(1, (await host.Client.GetOkAsync("/entities")).GetProperty("pagination").GetProperty("total_items").GetInt64());
    }

    [Fact]
    public async Task Different_content_gives_different_entities()
    {
        await using var host = await StoreHost.StartAsync();
        var a = await host.Client.CreateMediaAsync("content a");
        var b = await host.Client.CreateMediaAsync("content b");
        Assert.NotEqual(a.Id(), b.Id());
        Assert.NotEqual(a.Str("md5"), b.Str("md5"));
        Assert.Equal(2, host.StoredFiles().Count);
    }

    [Fact]
    public async Task Added_by_is_null_when_auth_is_disabled()
    {
        await using var host = await StoreHost.StartAsync();
        var body = await host.Client.CreateMediaAsync("who added me");
        Assert.True(body.IsNull("added_by"));
        Assert.True(body.IsNull("updated_by"));
    }

    [Fact]
    public async Task Created_entity_is_what_get_returns()
    {
        await using var host = await StoreHost.StartAsync();
        var created = await host.Client.CreateMediaAsync("round trip", "Label", description: "Desc");
        var read = await Expect.StatusAsync(await host.Client.GetEntityAsync(created.Id()), HttpStatusCode.OK);
        Assert.Equal(JsonSerializer.Serialize(created), JsonSerializer.Serialize(read));
    }
}
