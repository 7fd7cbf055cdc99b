using System.Net;
using System.Text;
using Store.Tests.Infrastructure;

namespace Store.Tests.Entities.Patch;

/// <summary>
/// Patches, and the patches that must be refused: those share one service and one media item, which each of them
/// checks is unchanged afterwards (its label, its single version).
/// </summary>
public sealed class PatchEntityTests(PatchEntityTests.OneMedia shared) : IClassFixture<PatchEntityTests.OneMedia>
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A service holding one media item labelled "label" that no test of the class changes.</summary>
    public sealed class OneMedia : SharedStore
    {
        public long Id { get; private set; }

        protected override async Task<StoreHost> StartAsync()
        {
            var host = await StoreHost.StartAsync();
            Id = (await host.Client.CreateMediaAsync("content", "label")).Id();
            return host;
        }
    }

    [Fact]
    public async Task Json_body_changes_only_the_fields_sent()
    {
        await using var host = await StoreHost.StartAsync();
        var folder = await host.Client.CreateCollectionAsync("folder");
        var media = await host.Client.CreateMediaAsync("content", "old", folder.Id(), "desc");

        var body = await Expect.StatusAsync(await host.Client.PatchJsonAsync(media.Id(), """{"label": "new"}"""), HttpStatusCode.OK);
        Assert.Equal("new", body.Str("label"));
        Assert.Equal("desc", body.Str("description"));
        Assert.Equal(folder.Id(), body.GetProperty("parent_id").GetInt64());
        Assert.False(body.GetProperty("is_deleted").GetBoolean());
        Assert.Equal(media.Str("md5"), body.Str("md5"));
        Assert.Equal(media.Str("file_path"), body.Str("file_path"));
        Assert.Equal(media.GetProperty("added_date").GetInt64(), body.GetProperty("added_date").GetInt64());
        Assert.Equal("new", (await host.Client.GetOkAsync($"/entities/{media.Id()}")).Str("label"));
    }

    [Fact]
    public async Task Wrapped_body_form_is_accepted()
    {
        await using var host = await StoreHost.StartAsync();
        var media = await host.Client.CreateMediaAsync("content", "old", description: "desc");
        var body = await Expect.StatusAsync(await host.Client.PatchJsonAsync(media.Id(), """{"body": {"label": "wrapped", "description": null}}"""), HttpStatusCode.OK);
        Assert.Equal("wrapped", body.Str("label"));
        Assert.True(body.IsNull("description"));
    }

    [Fact]
    public async Task Multipart_form_is_accepted_and_empty_clears()
    {
        await using var host = await StoreHost.StartAsync();
        var folder = await host.Client.CreateCollectionAsync("folder");
        var media = await host.Client.CreateMediaAsync("content", "old", folder.Id(), "desc");
        var form = Forms.Fields(("label", "from a form"), ("description", ""), ("is_deleted", "False"));
        var body = await Expect.StatusAsync(await host.Client.PatchAsync($"/entities/{media.Id()}", form, Ct), HttpStatusCode.OK);
        Assert.Equal("from a form", body.Str("label"));
        Assert.True(body.IsNull("description"));
        Assert.Equal(folder.Id(), body.GetProperty("parent_id").GetInt64());
    }

    [Fact]
    public async Task Urlencoded_form_is_accepted()
    {
        await using var host = await StoreHost.StartAsync();
        var media = await host.Client.CreateMediaAsync("content", "old");
        var form = new FormUrlEncodedContent([new("label", "urlencoded")]);
        var body = await Expect.StatusAsync(await host.Client.PatchAsync($"/entities/{media.Id()}", form, Ct), HttpStatusCode.OK);
        Assert.Equal("urlencoded", body.Str("label"));
    }

    [Fact]
    public async Task Explicit_null_clears_a_field()
    {
        await using var host = await StoreHost.StartAsync();
        var folder = await host.Client.CreateCollectionAsync("folder");
        var media = await host.Client.CreateMediaAsync("content", "label", folder.Id(), "desc");
        var body = await Expect.StatusAsync(await host.Client.PatchJsonAsync(media.Id(),
            """{"label": null, "description": null, "parent_id": null}"""), HttpStatusCode.OK);
        Assert.True(body.IsNull("label"));
        Assert.True(body.IsNull("description"));
        Assert.True(body.IsNull("parent_id"));
    }

    [Fact]
    public async Task Is_deleted_soft_deletes_and_restores()
    {
        await using var host = await StoreHost.StartAsync();
        var media = await host.Client.CreateMediaAsync("content", "label");
        var deleted = await Expect.StatusAsync(await host.Client.PatchJsonAsync(media.Id(), """{"is_deleted": true}"""), HttpStatusCode.OK);
        Assert.True(deleted.GetProperty("is_deleted").GetBoolean());
        Assert.Empty((await host.Client.GetOkAsync("/entities?exclude_deleted=true")).Ids());
        Assert.True((await host.Client.GetOkAsync($"/entities/{media.Id()}")).GetProperty("is_deleted").GetBoolean());
        Assert.Equal([media.Str("file_path")!], host.StoredFiles());

        var restored = await Expect.StatusAsync(await host.Client.PatchJsonAsync(media.Id(), """{"is_deleted": false}"""), HttpStatusCode.OK);
        Assert.False(restored.GetProperty("is_deleted").GetBoolean());
        Assert.Equal([media.Id()], (await host.Client.GetOkAsync("/entities?exclude_deleted=true")).Ids());
    }

    [Fact]
    public async Task Unknown_id_is_a_404()
    {
        var host = shared.Host;
        await Expect.DetailAsync(await host.Client.PatchJsonAsync(5, """{"label": "x"}"""), HttpStatusCode.NotFound, "Entity not found");
    }

    [Theory]
    [InlineData("""{"label": 5}""", "label")]
    [InlineData("""{"description": ["a"]}""", "description")]
    [InlineData("""{"parent_id": "abc"}""", "parent_id")]
    [InlineData("""{"parent_id": 1.5}""", "parent_id")]
    [InlineData("""{"parent_id": true}""", "parent_id")]
    [InlineData("""{"parent_id": 99999999999999999999999}""", "parent_id")]
    [InlineData("""{"is_deleted": null}""", "is_deleted")]
    [InlineData("""{"is_deleted": "maybe"}""", "is_deleted")]
    public async Task Mistyped_fields_are_a_422_in_list_form(string json, string field)
    {
        var host = shared.Host;
        await Expect.ValidationAsync(await host.Client.PatchJsonAsync(shared.Id, json), "body", field);
        Assert.Equal("label", (await host.Client.GetOkAsync($"/entities/{shared.Id}")).Str("label"));
    }

    [Theory]
    [InlineData("{not json", "json_invalid")]
    [InlineData("", "missing")]
    [InlineData("[1, 2]", "model_attributes_type")]
    [InlineData("\"text\"", "model_attributes_type")]
    [InlineData("5", "model_attributes_type")]
    [InlineData("null", "model_attributes_type")]
    public async Task A_body_that_is_not_a_json_object_is_a_422_in_list_form(string json, string type)
    {
        var host = shared.Host;
        await Expect.ShapeErrorAsync(await host.Client.PatchJsonAsync(shared.Id, json), type, "body");
        Assert.Equal(1, (await host.Client.GetOkAsync($"/entities/{shared.Id}/versions")).GetArrayLength());
    }

    [Theory]
    [InlineData("""{"body": 5}""")]
    [InlineData("""{"body": "label"}""")]
    [InlineData("""{"body": null}""")]
    [InlineData("""{"body": [{"label": "x"}]}""")]
    [InlineData("""{"body": 5, "label": "x"}""")]
    public async Task A_body_wrapper_that_is_not_an_object_is_a_422_and_writes_no_version(string json)
    {
        var host = shared.Host;
        await Expect.ShapeErrorAsync(await host.Client.PatchJsonAsync(shared.Id, json), "model_attributes_type", "body", "body");
        Assert.Equal("label", (await host.Client.GetOkAsync($"/entities/{shared.Id}")).Str("label"));
        Assert.Equal(1, (await host.Client.GetOkAsync($"/entities/{shared.Id}/versions")).GetArrayLength());
    }

    [Fact]
    public async Task Every_patch_writes_one_version_and_stamps_updated_date()
    {
        await using var host = await StoreHost.StartAsync();
        var media = await host.Client.CreateMediaAsync("content", "label");
        var body = await Expect.StatusAsync(await host.Client.PatchJsonAsync(media.Id(), "{}"), HttpStatusCode.OK);
        Assert.True(body.GetProperty("updated_date").GetInt64() >= media.GetProperty("updated_date").GetInt64());
        Assert.Equal(2, (await host.Client.GetOkAsync($"/entities/{media.Id()}/versions")).GetArrayLength());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    public async Task Body_of_another_content_type_is_a_422_in_list_form_and_changes_nothing(string contentType)
    {
        var host = shared.Host;
        var response = await host.Client.PatchAsync($"/entities/{shared.Id}", new StringContent("""{"label": "plain"}""", Encoding.UTF8, contentType), Ct);
        Assert.Contains(contentType, await Expect.ShapeErrorAsync(response, "model_attributes_type", "body"));
        Assert.Equal("label", (await host.Client.GetOkAsync($"/entities/{shared.Id}")).Str("label"));
    }

    [Fact]
    public async Task No_body_is_a_422_missing()
    {
        var host = shared.Host;
        var response = await host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Patch, $"/entities/{shared.Id}"), Ct);
        await Expect.ShapeErrorAsync(response, "missing", "body");
        Assert.Equal(1, (await host.Client.GetOkAsync($"/entities/{shared.Id}/versions")).GetArrayLength());
    }
}
