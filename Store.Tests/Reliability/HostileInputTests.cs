using System.Net;
using System.Text;
using System.Text.Json;
using Store.Tests.Infrastructure;
using Store.Tests.Jobs;

namespace Store.Tests.Reliability;

/// <summary>The inputs that once answered 500 (issue 12): each is the client's mistake and gets a 4xx in the contract's shape.</summary>
public sealed class HostileInputTests : IAsyncLifetime
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    StoreHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await StoreHost.StartAsync();
    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    static async Task<JsonElement> Expect4xx(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{(int)response.StatusCode}: {text}");
        var body = JsonDocument.Parse(text).RootElement.Clone();
        Assert.True(body.TryGetProperty("detail", out _), text);
        return body;
    }

    [Theory]
    [InlineData("""{"label":"\ud800"}""")]
    [InlineData("""{"label":"a\udc00b"}""")]
    [InlineData("""{"body":{"description":"\udfff"}}""")]
    [InlineData("""{"\ud800":"x"}""")]
    public async Task A_lone_surrogate_in_patch_json_is_a_422(string json)
    {
        var id = (await _host.Client.CreateCollectionAsync("c")).Id();
        var response = await _host.Client.PatchJsonAsync(id, json);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = await Expect4xx(response);
        Assert.Equal(JsonValueKind.Array, body.GetProperty("detail").ValueKind);
        Assert.Equal("c", (await _host.Client.GetOkAsync($"/entities/{id}")).Str("label"));
    }

    [Fact]
    public async Task Invalid_utf8_in_patch_json_is_a_422()
    {
        var id = (await _host.Client.CreateCollectionAsync("c")).Id();
        byte[] bytes = [.. "{\"label\":\"a"u8, 0xC3, 0x28, 0xFF, .. "\"}"u8];
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var response = await _host.Client.PatchAsync($"/entities/{id}", content, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        await Expect4xx(response);
    }

    [Fact]
    public async Task A_job_upload_whose_name_is_over_255_bytes_is_stored_under_a_shorter_name()
    {
        var name = string.Concat(Enumerable.Repeat("é", 150)) + ".png";
        var job = await _host.CreateAsync("exif", JobKit.Form(name, Forms.Text("long name")));
        var stored = job.GetProperty("input_files")[0].GetProperty("filename").GetString()!;
        Assert.True(Encoding.UTF8.GetByteCount(stored) <= 255, stored);
        Assert.EndsWith(".png", stored);
        var file = await _host.Client.GetAsync($"/compute/jobs/{job.GetProperty("job_id").GetString()}/files/input/{Uri.EscapeDataString(stored)}", Ct);
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
    }

    [Theory]
    [InlineData("/media/a\u0000b.jpg")]
    [InlineData("\u0000")]
    public async Task A_nul_in_an_external_file_path_is_a_400(string path)
    {
        var external = JsonSerializer.Serialize(new[] { new { path = _host.Settings.MediaDir + path } });
        var form = JobKit.Form([], ("external_files", external));
        var response = await _host.Client.PostAsync("/compute/jobs/exif", form, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await Expect4xx(response);
        Assert.DoesNotContain(_host.Settings.ServerDir, body.ToString());
    }

    [Theory]
    [InlineData("""{"path":"\ud800"}""")]
    [InlineData("""{"path":"/x","metadata":{"k":"\udc00"}}""")]
    public async Task A_lone_surrogate_in_external_files_is_a_400(string entry)
    {
        var response = await _host.Client.PostAsync("/compute/jobs/exif", JobKit.Form([], ("external_files", $"[{entry}]")), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await Expect4xx(response);
    }

    [Fact]
    public async Task A_lone_surrogate_in_job_params_is_a_400()
    {
        var response = await _host.Client.PostAsync("/compute/jobs/exif",
            JobKit.Form("a.txt", Forms.Text("p"), ("params", """{"x":"\ud800"}""")), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await Expect4xx(response);
    }
}
