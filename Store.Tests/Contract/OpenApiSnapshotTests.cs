using Newtonsoft.Json.Linq;
using Snapshooter.Xunit3;
using Store.Tests.Infrastructure;

namespace Store.Tests.Contract;

/// <summary>The whole OpenAPI document is the wire contract: any change to it shows as a snapshot diff in review.</summary>
public sealed class OpenApiSnapshotTests
{
    [Fact]
    public async Task OpenApi_document_matches_the_snapshot()
    {
        await using var host = await StoreHost.StartAsync();
        var response = await host.Client.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var document = JObject.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        // The server URL carries the test's random port.
        document.Remove("servers");
        Snapshot.Match(document);
    }

    [Fact]
    public async Task Scalar_reference_is_served()
    {
        await using var host = await StoreHost.StartAsync();
        var response = await host.Client.GetAsync("/scalar/", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("text/html", response.Content.Headers.ContentType?.ToString());
    }
}
