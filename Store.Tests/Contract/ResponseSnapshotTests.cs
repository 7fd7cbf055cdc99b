using Newtonsoft.Json.Linq;
using Snapshooter.Xunit3;
using Store.Tests.Infrastructure;

namespace Store.Tests.Contract;

/// <summary>
/// Representative bodies as the clients see them. Times vary per run, so they are checked for
/// presence and left out of the snapshot; everything else must match byte for byte.
/// </summary>
public sealed class ResponseSnapshotTests
{
    static readonly string[] Times = ["added_date", "updated_date", "create_date"];

    static async Task<JToken> Body(HttpResponseMessage response)
    {
        var token = JToken.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        foreach (var value in ((JContainer)token).Descendants().OfType<JProperty>().Where(p => Times.Contains(p.Name)).ToList())
        {
            Assert.Equal(JTokenType.Integer, value.Value.Type);
            value.Value = "<epoch ms>";
        }
        return new JObject { ["status"] = (int)response.StatusCode, ["body"] = token };
    }

    [Fact]
    public async Task Collection_lifecycle_bodies()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StoreHost.StartAsync();
        var created = await Body(await host.Client.PostAsync("/entities", Forms.Entity(true, "Holidays", "Summer 2026"), ct));
        var child = await Body(await host.Client.PostAsync("/entities", Forms.Entity(true, "Beach", parentId: 1), ct));
        var patched = await Body(await host.Client.PatchAsync("/entities/2",
            new StringContent("""{"description": "Sand", "is_deleted": true}""", System.Text.Encoding.UTF8, "application/json"), ct));
        var list = await Body(await host.Client.GetAsync("/entities?include_deleted=true&page_size=1&page=2", ct));
        var versions = await Body(await host.Client.GetAsync("/entities/2/versions", ct));
        Snapshot.Match(new JObject
        {
            ["create"] = created, ["create_child"] = child, ["patch"] = patched, ["list"] = list, ["versions"] = versions,
        });
    }

    [Fact]
    public async Task Error_bodies()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StoreHost.StartAsync();
        await host.Client.PostAsync("/entities", Forms.Entity(false, "Note", file: Forms.Text("a note")), ct);
        Snapshot.Match(new JObject
        {
            ["missing_is_collection"] = await Body(await host.Client.PostAsync("/entities", Forms.Entity(null, "x"), ct)),
            ["bad_page"] = await Body(await host.Client.GetAsync("/entities?page=abc", ct)),
            ["page_size_out_of_range"] = await Body(await host.Client.GetAsync("/entities?page_size=101&order_by=name", ct)),
            ["parent_not_collection"] = await Body(await host.Client.PostAsync("/entities", Forms.Entity(true, "x", parentId: 1), ct)),
            ["not_found"] = await Body(await host.Client.GetAsync("/entities/999", ct)),
            ["unknown_route"] = await Body(await host.Client.GetAsync("/nowhere", ct)),
        });
    }
}
