using Newtonsoft.Json.Linq;
using Snapshooter.Xunit3;
using Store.Tests.Infrastructure;

namespace Store.Tests.Contract;

/// <summary>
/// The whole OpenAPI document is the wire contract: any change to it shows as a snapshot diff in review. The tests only
/// read, so they share one service.
/// </summary>
public sealed class OpenApiSnapshotTests(SharedStore shared) : IClassFixture<SharedStore>
{
    [Fact]
    public async Task OpenApi_document_matches_the_snapshot()
    {
        var host = shared.Host;
        var response = await host.Client.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var document = JObject.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        // The server URL carries the test's random port.
        document.Remove("servers");
        Snapshot.Match(document);
    }

    [Fact]
    public async Task Every_request_gets_the_document_with_the_server_it_called_and_an_unknown_one_is_404()
    {
        var host = shared.Host;
        var ct = TestContext.Current.CancellationToken;
        async Task<string> FetchAsync(string path, string? hostHeader = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (hostHeader is not null) request.Headers.Host = hostHeader;
            using var response = await host.Client.SendAsync(request, ct);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
            return await response.Content.ReadAsStringAsync(ct);
        }
        static string Server(string document) => (string)JObject.Parse(document)["servers"]![0]!["url"]!;

        var first = await FetchAsync("/openapi/v1.json");
        var elsewhere = await FetchAsync("/openapi/v1.json", "store.example:8443");
        Assert.Equal(first, await FetchAsync("/openapi/v1.json"));
        Assert.Equal(elsewhere, await FetchAsync("/openapi/v1.json", "store.example:8443"));
        Assert.Equal(first, await FetchAsync("/openapi/V1.json"));
        Assert.StartsWith("http://store.example:8443", Server(elsewhere), StringComparison.Ordinal);
        Assert.DoesNotContain("store.example", Server(first), StringComparison.Ordinal);
        var withoutServers = JObject.Parse(elsewhere);
        withoutServers.Remove("servers");
        var firstWithout = JObject.Parse(first);
        firstWithout.Remove("servers");
        Assert.True(JToken.DeepEquals(firstWithout, withoutServers));

        var unknown = await host.Client.GetAsync("/openapi/v2.json", ct);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("No OpenAPI document with the name 'v2' was found.", await unknown.Content.ReadAsStringAsync(ct));
    }

    [Fact]
    public async Task Scalar_reference_is_served()
    {
        var host = shared.Host;
        var response = await host.Client.GetAsync("/scalar/", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("text/html", response.Content.Headers.ContentType?.ToString());
    }
}
