using System.Data.Common;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Store.Auth;
using Store.Http;

namespace Store.Health;

/// <summary>The seed's three keys, and the guest mode today's CL clients read (contract section 8): "on" while reads are public.</summary>
public sealed record HealthBody(string Status, string Service, string Version, [property: JsonPropertyName("guestMode")] string GuestMode);

public static class HealthEndpoint
{
    public static void MapHealth(this ApiGroup routes) =>
        routes.MapGet("/", Handle)
            .WithName("Health")
            .WithSummary("Service health")
            .WithDescription("guestMode is \"on\" while entity reads need no token (auth disabled, or read auth off) and \"off\" while they do.");

    public static async Task<Ok<HealthBody>> Handle(AuthOptions options, ReadAuthSwitch readAuth, CancellationToken ct)
    {
        var readsArePublic = options.AuthDisabled || !await ReadAuthEnabledAsync(options, readAuth, ct);
        return TypedResults.Ok(new HealthBody("healthy", "CoLAN Store Server", "v1", readsArePublic ? "on" : "off"));
    }

    /// <summary>
    /// GET / answers while the process runs, as the seed's health always did (a database not migrated yet, under
    /// --no-migrate, has no settings table): then READ_AUTH_ENABLED is the only word there is on it.
    /// </summary>
    static async ValueTask<bool> ReadAuthEnabledAsync(AuthOptions options, ReadAuthSwitch readAuth, CancellationToken ct)
    {
        try { return await readAuth.EnabledAsync(ct); }
        catch (DbException) { return options.ReadAuthEnabled; }
    }
}
