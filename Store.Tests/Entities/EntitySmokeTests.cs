using System.Net;
using Store.Tests.Infrastructure;

namespace Store.Tests.Entities;

public sealed class EntitySmokeTests
{
    [Fact]
    public async Task Create_then_get_round_trips()
    {
        await using var host = await StoreHost.StartAsync();
        var created = await host.Client.PostAsync("/entities", Forms.Entity(true, "Trip"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.ReadJsonAsync();
        var get = await host.Client.GetAsync($"/entities/{body.GetProperty("id").GetInt64()}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("Trip", (await get.ReadJsonAsync()).GetProperty("label").GetString());
    }
}
