using System.Net;
using Newtonsoft.Json.Linq;
using Snapshooter;
using Snapshooter.Xunit3;
using Store.Tests.Infrastructure;

namespace Store.Tests.Entities.Shared;

/// <summary>The exact wire shapes the CL clients parse; a change shows as a snapshot diff. File fields are left to the media tests.</summary>
public sealed class EntityWireShapeTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static async Task<JToken> BodyAsync(HttpResponseMessage response) => JToken.Parse(await response.Content.ReadAsStringAsync(Ct));

    static MatchOptions WithoutTimes(MatchOptions o) =>
        o.IgnoreFields("**.added_date").IgnoreFields("**.updated_date").IgnoreFields("**.create_date").IgnoreFields("**.transaction_id").IgnoreFields("**.end_transaction_id");

    [Fact]
    public async Task Collection()
    {
        await using var host = await StoreHost.StartAsync();
        var response = await host.Client.PostAsync("/entities", Forms.Entity(true, "Holidays", "Summer 2024"), Ct);
        Snapshot.Match(await BodyAsync(response), WithoutTimes);
    }

    [Fact]
    public async Task Page()
    {
        await using var host = await StoreHost.StartAsync();
        var folder = await host.Client.CreateCollectionAsync("Holidays");
        await host.Client.CreateCollectionAsync("Day 1", folder.Id());
        Snapshot.Match(await BodyAsync(await host.Client.GetAsync("/entities?page_size=1&page=2", Ct)), WithoutTimes);
    }

    [Fact]
    public async Task Versions()
    {
        await using var host = await StoreHost.StartAsync();
        var folder = await host.Client.CreateCollectionAsync("Holidays");
        await Expect.StatusAsync(await host.Client.PatchAsync(folder.Id(), new { description = "Beach" }), HttpStatusCode.OK);
        Snapshot.Match(await BodyAsync(await host.Client.GetAsync($"/entities/{folder.Id()}/versions", Ct)), WithoutTimes);
    }

    [Fact]
    public async Task Validation_error()
    {
        await using var host = await StoreHost.StartAsync();
        Snapshot.Match(await BodyAsync(await host.Client.PostAsync("/entities", Forms.Entity(null, "x"), Ct)));
    }

    [Fact]
    public async Task Not_found()
    {
        await using var host = await StoreHost.StartAsync();
        Snapshot.Match(await BodyAsync(await host.Client.GetAsync("/entities/9", Ct)));
    }
}
