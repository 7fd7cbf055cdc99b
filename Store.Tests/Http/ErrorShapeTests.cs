using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Store.Tests.Infrastructure;

namespace Store.Tests.Http;

/// <summary>
/// Client mistakes get the contract's error bodies, never a 500 or a stack trace. The tests that only send what must
/// be refused share one service, which stays empty (several check that nothing was kept); those that store
/// something first start their own.
/// </summary>
public sealed class ErrorShapeTests(SharedStore shared) : IClassFixture<SharedStore>
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static ByteArrayContent Raw(string body, string? contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null) content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    [Theory]
    [InlineData("/nope")]
    [InlineData("/entities/1/nothing")]
    [InlineData("/entities/1/versions/2")]
    public async Task Unknown_route_is_a_json_404(string path)
    {
        var host = shared.Host;
        await Expect.DetailAsync(await host.Client.GetAsync(path, Ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Wrong_method_is_a_json_405()
    {
        var host = shared.Host;
        await Expect.DetailAsync(await host.Client.PostAsync("/entities/1", Forms.Entity(true, "x"), Ct), HttpStatusCode.MethodNotAllowed);
    }

    [Theory]
    [InlineData("POST", "/entities", "application/json")]
    [InlineData("PUT", "/entities/1", "application/json")]
    [InlineData("POST", "/entities", "text/plain")]
    [InlineData("PUT", "/entities/1", "text/plain")]
    public async Task Another_content_type_where_a_multipart_form_is_expected_is_a_422_in_list_form(string method, string path, string contentType)
    {
        await using var host = await StoreHost.StartAsync();
        await host.Client.CreateCollectionAsync("kept");
        var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = Raw("""{"is_collection": true, "label": "x"}""", contentType) };
        var msg = await Expect.ShapeErrorAsync(await host.Client.SendAsync(request, Ct), "model_attributes_type", "body");
        Assert.Contains("multipart/form-data", msg);
        Assert.Contains("application/x-www-form-urlencoded", msg);
        Assert.Contains(contentType, msg);
        Assert.Equal(["kept"], (await host.Client.GetOkAsync("/entities")).GetProperty("items").EnumerateArray().Select(e => e.Str("label")));
    }

    [Theory]
    [InlineData("POST", "/entities")]
    [InlineData("PUT", "/entities/1")]
    public async Task No_body_where_a_multipart_form_is_expected_is_a_422_missing(string method, string path)
    {
        await using var host = await StoreHost.StartAsync();
        await host.Client.CreateCollectionAsync();
        var response = await host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);
        await Expect.ShapeErrorAsync(response, "missing", "body");
    }

    [Theory]
    [InlineData("POST", "/entities")]
    [InlineData("PUT", "/entities/1")]
    [InlineData("PATCH", "/entities/1")]
    public async Task Multipart_without_a_boundary_is_a_422(string method, string path)
    {
        await using var host = await StoreHost.StartAsync();
        await host.Client.CreateCollectionAsync();
        var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = Raw("is_collection=true", "multipart/form-data") };
        await Expect.DetailAsync(await host.Client.SendAsync(request, Ct), HttpStatusCode.UnprocessableEntity);
    }

    [Theory]
    [InlineData("garbage without any boundary line")]
    [InlineData("--b\r\nContent-Disposition: form-data; name=\"is_collection\"\r\n\r\ntrue")]
    [InlineData("--b\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.txt\"\r\n\r\nhalf a file")]
    [InlineData("--b\r\nContent-Disposition: form-data; name=\"is_collection\"\r\n")]
    public async Task Malformed_or_truncated_multipart_is_a_422_and_leaves_no_temp_file(string body)
    {
        var host = shared.Host;
        var response = await host.Client.PostAsync("/entities", Raw(body, "multipart/form-data; boundary=b"), Ct);
        await Expect.DetailAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Empty(host.TempFiles());
        Assert.Empty(host.StoredFiles());
    }

    [Fact]
    public async Task Multipart_with_no_parts_is_a_422_in_list_form()
    {
        var host = shared.Host;
        var response = await host.Client.PostAsync("/entities", Raw("--b--\r\n", "multipart/form-data; boundary=b"), Ct);
        await Expect.ValidationAsync(response, "body", "is_collection");
    }

    [Fact]
    public async Task Body_over_the_upload_limit_is_a_413_and_leaves_nothing()
    {
        await using var host = await StoreHost.StartAsync(s => s with { MaxUploadBytes = 4096 }, server: Server.Kestrel);  // the limit is Kestrel's
        var response = await host.Client.PostAsync("/entities", Forms.Entity(false, "big", file: new byte[64 * 1024]), Ct);
        await Expect.DetailAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Empty(host.TempFiles());
        Assert.Empty(host.StoredFiles());
    }

    [Fact]
    public async Task Missing_content_type_is_a_422_in_list_form()
    {
        var host = shared.Host;
        // An empty body is no body at all; one with text but no Content-Type is of the wrong kind.
        await Expect.ShapeErrorAsync(await host.Client.PostAsync("/entities", Raw("", null), Ct), "missing", "body");
        var msg = await Expect.ShapeErrorAsync(await host.Client.PostAsync("/entities", Raw("is_collection=true", null), Ct), "model_attributes_type", "body");
        Assert.Contains("without a Content-Type", msg);
        Assert.Empty((await host.Client.GetOkAsync("/entities")).Ids());
    }

    [Fact]
    public async Task Errors_are_json_with_no_stack_trace()
    {
        var host = shared.Host;
        var response = await host.Client.GetAsync("/entities?page=abc", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(new MediaTypeHeaderValue("application/json").MediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("   at ", text);
    }

    [Fact]
    public async Task Urlencoded_patch_beyond_the_form_limits_is_a_422()
    {
        await using var host = await StoreHost.StartAsync();
        var folder = await host.Client.CreateCollectionAsync("kept");
        var longKey = new FormUrlEncodedContent([new(new string('k', 5000), "v")]);
        await Expect.ShapeErrorAsync(await host.Client.PatchAsync($"/entities/{folder.Id()}", longKey, Ct), "value_error", "body");
        var manyFields = new FormUrlEncodedContent(Enumerable.Range(0, 2000).Select(i => new KeyValuePair<string, string>($"f{i}", "v")));
        await Expect.ShapeErrorAsync(await host.Client.PatchAsync($"/entities/{folder.Id()}", manyFields, Ct), "value_error", "body");
        Assert.Equal("kept", (await host.Client.GetOkAsync($"/entities/{folder.Id()}")).Str("label"));
    }

    [Fact]
    public async Task Multipart_with_too_many_parts_is_a_422()
    {
        var host = shared.Host;
        var form = Forms.Fields(Enumerable.Range(0, 5000).Select(i => ($"f{i}", "v")).Prepend(("is_collection", "true")).ToArray());
        await Expect.DetailAsync(await host.Client.PostAsync("/entities", form, Ct), HttpStatusCode.UnprocessableEntity, "parts");
        Assert.Empty((await host.Client.GetOkAsync("/entities")).Ids());
    }

    [Fact]
    public async Task Multipart_text_beyond_4_MiB_in_total_is_a_422()
    {
        var host = shared.Host;
        var field = new string('x', 1024 * 1024 - 16);
        var form = Forms.Fields(Enumerable.Range(0, 5).Select(i => ($"f{i}", field)).Prepend(("is_collection", "true")).ToArray());
        await Expect.DetailAsync(await host.Client.PostAsync("/entities", form, Ct), HttpStatusCode.UnprocessableEntity, "4 MiB");
        Assert.Empty((await host.Client.GetOkAsync("/entities")).Ids());
    }

    [Fact]
    public async Task Multipart_text_within_4_MiB_in_total_is_accepted()
    {
        await using var host = await StoreHost.StartAsync();
        var field = new string('x', 1024 * 1024 - 16);
        var form = Forms.Fields(Enumerable.Range(0, 3).Select(i => ($"f{i}", field)).Prepend(("is_collection", "true")).ToArray());
        await Expect.StatusAsync(await host.Client.PostAsync("/entities", form, Ct), HttpStatusCode.Created);
    }
}
