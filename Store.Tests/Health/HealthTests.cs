using System.Net;
using Store.Tests.Infrastructure;

namespace Store.Tests.Health;

/// <summary>GET / (contract section 6): the exact body, and public in every auth mode.</summary>
public sealed class HealthTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Health_answers_the_contract_body()
    {
        await using var host = await StoreHost.StartAsync();
        var response = await host.Client.GetAsync("/", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"status":"healthy","service":"CoLAN Store Server","version":"v1","guestMode":"on"}""", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Health_needs_no_token_even_with_read_auth_on()
    {
        await using var host = await StoreHost.StartAsync(s => s with { AuthDisabled = false, ReadAuthEnabled = true });
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.GetAsync("/entities", Ct)).StatusCode);
    }
}
