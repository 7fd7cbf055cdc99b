using System.Net;
using Store.Tests.Infrastructure;

namespace Store.Tests.Auth;

/// <summary>The OpenAPI document tells clients which endpoints can refuse them, and stays public.</summary>
public sealed class OpenApiAuthTests
{
    [Fact]
    public async Task The_document_lists_the_access_answers_and_needs_no_token()
    {
        await using var host = await AuthHost.StartAsync(key: null, s => s with { ReadAuthEnabled = true });
        var response = await host.Client.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = (await response.ReadJsonAsync()).GetProperty("paths");

        static IEnumerable<string> Statuses(System.Text.Json.JsonElement operation) =>
            operation.GetProperty("responses").EnumerateObject().Select(r => r.Name);

        var create = Statuses(paths.GetProperty("/entities").GetProperty("post")).ToList();
        Assert.Contains("401", create);
        Assert.Contains("403", create);
        Assert.Contains("503", create);
        var health = Statuses(paths.GetProperty("/").GetProperty("get")).ToList();
        Assert.Contains("401", health);
        Assert.DoesNotContain("403", health);
        Assert.Contains("403", Statuses(paths.GetProperty("/admin/config").GetProperty("get")));
    }
}
