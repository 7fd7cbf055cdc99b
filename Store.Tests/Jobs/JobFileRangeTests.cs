using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Store.Tests.Infrastructure;

namespace Store.Tests.Jobs;

/// <summary>
/// Job files are served with Range support and an ETag, from the folder or the bucket, and OpenAPI says so. The tests
/// share one service, each with a job of its own.
/// </summary>
[Trait("storage", "both")]
public sealed class JobFileRangeTests(SharedStore shared) : IClassFixture<SharedStore>
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_range_answers_206_with_the_part_and_one_outside_the_file_416()
    {
        var host = shared.Host;
        var id = (await host.CreateAsync("t", JobKit.Form("a.txt", Encoding.ASCII.GetBytes("0123456789")))).JobId();

        using var part = new HttpRequestMessage(HttpMethod.Get, $"/compute/jobs/{id}/files/input/a.txt");
        part.Headers.Range = new RangeHeaderValue(2, 5);
        var response = await host.Client.SendAsync(part, Ct);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("2345", await response.Content.ReadAsStringAsync(Ct));

        using var outside = new HttpRequestMessage(HttpMethod.Get, $"/compute/jobs/{id}/files/input/a.txt");
        outside.Headers.Range = new RangeHeaderValue(50, 60);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, (await host.Client.SendAsync(outside, Ct)).StatusCode);
    }

    [Fact]
    public async Task A_file_answers_with_an_etag_and_304_when_it_still_matches()
    {
        var host = shared.Host;
        var id = (await host.CreateAsync("t", JobKit.Form("a.txt", Encoding.ASCII.GetBytes("0123456789")))).JobId();
        var whole = await host.Client.GetAsync($"/compute/jobs/{id}/files/input/a.txt", Ct);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("0123456789", await whole.Content.ReadAsStringAsync(Ct));
        var tag = whole.Headers.ETag;
        Assert.NotNull(tag);
        Assert.NotNull(whole.Content.Headers.LastModified);

        using var again = new HttpRequestMessage(HttpMethod.Get, $"/compute/jobs/{id}/files/input/a.txt");
        again.Headers.IfNoneMatch.Add(tag);
        Assert.Equal(HttpStatusCode.NotModified, (await host.Client.SendAsync(again, Ct)).StatusCode);
        using var other = new HttpRequestMessage(HttpMethod.Get, $"/compute/jobs/{id}/files/input/a.txt");
        other.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"something-else\""));
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(other, Ct)).StatusCode);
    }

    [Fact]
    public async Task A_large_input_is_stored_whole_and_read_back_whole_and_in_ranges()
    {
        var host = shared.Host;
        // Over the tests' 5 MiB multipart threshold: with STORE_TEST_STORAGE=s3 it goes up in parts, read from the file.
        var bytes = new byte[6 * 1024 * 1024 + 123];
        new Random(7).NextBytes(bytes);
        var id = (await host.CreateAsync("t", JobKit.Form("big.bin", bytes))).JobId();

        var whole = await host.Client.GetAsync($"/compute/jobs/{id}/files/input/big.bin", Ct);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal(bytes, await whole.Content.ReadAsByteArrayAsync(Ct));
        using var tail = new HttpRequestMessage(HttpMethod.Get, $"/compute/jobs/{id}/files/input/big.bin");
        tail.Headers.Range = new RangeHeaderValue(null, 100);
        var part = await host.Client.SendAsync(tail, Ct);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(bytes[^100..], await part.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task OpenAPI_declares_the_binary_body_the_partial_body_and_416()
    {
        var host = shared.Host;
        var doc = await (await host.Client.GetAsync("/openapi/v1.json", Ct)).ReadJsonAsync();
        var responses = doc.GetProperty("paths").GetProperty("/compute/jobs/{job_id}/files/{path}").GetProperty("get").GetProperty("responses");
        foreach (var status in new[] { "200", "206" })
        {
            var schema = responses.GetProperty(status).GetProperty("content").GetProperty("application/octet-stream").GetProperty("schema");
            Assert.Equal("binary", schema.Str("format"));
        }
        Assert.True(responses.TryGetProperty("416", out _));
        Assert.True(responses.TryGetProperty("304", out _));
        Assert.True(responses.TryGetProperty("404", out _));
    }
}
