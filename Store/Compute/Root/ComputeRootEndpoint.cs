using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Store.Auth;
using Store.Http;

namespace Store.Compute.Root;

/// <summary>
/// What the keep_it app and the Python SDK read from their compute URL (<c>&lt;store&gt;/compute</c>) to see that it is
/// alive. Jobs always need a token unless auth is disabled, so guest mode is "on" only then.
/// </summary>
public sealed record ComputeRootBody(
    string Status, string Service, string Version,
    [property: JsonPropertyName("guestMode")] string GuestMode, bool AuthRequired);

public static class ComputeRootEndpoint
{
    public static void MapComputeRoot(this ApiGroup routes) =>
        // "/compute" also matches "/compute/": no redirect, which the SDK would not follow.
        routes.MapGet("", Handle)
            .WithName("ComputeRoot")
            .WithSummary("Compute service health, for clients whose compute URL is <store>/compute")
            .WithDescription("auth_required is false only while auth is disabled; jobs and workers need ai_inference_support otherwise.");

    public static Ok<ComputeRootBody> Handle(AuthOptions options) =>
        TypedResults.Ok(new ComputeRootBody("healthy", "CoLAN Store Compute", "v1", options.AuthDisabled ? "on" : "off", !options.AuthDisabled));
}
