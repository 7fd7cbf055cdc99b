using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Store.Tests.Infrastructure;

namespace Store.Tests.Jobs;

/// <summary>Job files are served with Range support, and OpenAPI says so.</summary>
public sealed class JobFileRangeTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_range_answers_206_with_the_part_and_one_outside_the_file_416()
    {
        await using var host = await StoreHost.StartAsync();
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
    public async Task OpenAPI_declares_the_binary_body_the_partial_body_and_416()
    {
        await using var host = await StoreHost.StartAsync();
        var doc = await (await host.Client.GetAsync("/openapi/v1.json", Ct)).ReadJsonAsync();
        var responses = doc.GetProperty("paths").GetProperty("/compute/jobs/{job_id}/files/{path}").GetProperty("get").GetProperty("responses");
        foreach (var status in new[] { "200", "206" })
        {
            var schema = responses.GetProperty(status).GetProperty("content").GetProperty("application/octet-stream").GetProperty("schema");
            Assert.Equal("binary", schema.Str("format"));
        }
        Assert.True(responses.TryGetProperty("416", out _));
        Assert.True(responses.TryGetProperty("404", out _));
    }
}
