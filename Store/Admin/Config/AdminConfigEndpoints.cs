using Microsoft.AspNetCore.Http.HttpResults;
using Store.Auth;
using Store.Http;
using Store.Storage;

namespace Store.Admin.Config;

/// <summary>Contract section 5: the body of GET /admin/config and of PUT /admin/config/read-auth.</summary>
public sealed record AdminConfig(bool ReadAuthEnabled, long? UpdatedAt, string? UpdatedBy)
{
    public static AdminConfig From(ReadAuthState state) => new(state.ReadAuthEnabled, state.UpdatedAt, state.UpdatedBy);
}

/// <summary>The documented JSON shape of PUT /admin/config/read-auth; a form with an <c>enabled</c> field works too.</summary>
public sealed record SetReadAuthRequest(bool Enabled);

public static class AdminConfigEndpoints
{
    static readonly BooleanFieldValidator Validator = new("enabled");

    public static void MapAdminConfig(this ApiGroup routes)
    {
        routes.MapGet("/config", Get)
            .WithName("GetAdminConfig")
            .WithSummary("The runtime configuration: whether reads need a token, and who last changed it")
            .WithDescription("Before the setting was changed at runtime, read_auth_enabled is READ_AUTH_ENABLED's value and updated_at/updated_by are null.");

        routes.MapPut("/config/read-auth", SetReadAuth)
            .DocumentsBody<SetReadAuthRequest>("application/json", "application/x-www-form-urlencoded", "multipart/form-data")
            .WithName("SetReadAuth")
            .WithSummary("Turn read authentication on or off at once; the choice is stored and wins over READ_AUTH_ENABLED")
            .WithDescription("JSON {\"enabled\": true} or a form with enabled=true. Answers with the same body as GET /admin/config.");
    }

    public static async Task<Ok<AdminConfig>> Get(ReadAuthSwitch readAuth, CancellationToken ct) =>
        TypedResults.Ok(AdminConfig.From(await readAuth.CurrentAsync(ct)));

    public static async Task<Results<Ok<AdminConfig>, UnprocessableEntity<ValidationErrorBody>>> SetReadAuth(
        HttpContext context, ReadAuthSwitch readAuth, MediaStorage storage, CancellationToken ct)
    {
        var input = BooleanFieldInput.From(await JsonOrForm.ReadAsync(context.Request, storage.TempDir, ct), "enabled");
        var validation = Validator.Validate(input);
        if (!validation.IsValid) return Errors.Validation(validation, "body");
        var state = await readAuth.SetAsync(input.Value, context.CallerId(), ct);
        return TypedResults.Ok(AdminConfig.From(state));
    }
}
