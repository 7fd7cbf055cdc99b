using Microsoft.AspNetCore.Http.HttpResults;
using Store.Auth;
using Store.Http;
using Store.Storage;

namespace Store.Admin.Pref;

/// <summary>
/// Contract section 8: the preferences of today's CL clients. Guest mode is the read-auth setting of
/// /admin/config seen from the other side (guest mode on = reads need no token): one stored value, two views.
/// </summary>
public sealed record AdminPref(bool GuestMode, long? UpdatedAt, string? UpdatedBy);

public sealed record GuestModeUpdated(bool GuestMode, string Message);

/// <summary>The documented JSON shape of PUT /admin/pref/guest-mode; a form with a <c>guest_mode</c> field works too.</summary>
public sealed record SetGuestModeRequest(bool GuestMode);

public static class AdminPrefEndpoints
{
    const string Field = "guest_mode";
    static readonly BooleanFieldValidator Validator = new(Field);

    public static void MapAdminPref(this ApiGroup routes)
    {
        routes.MapGet("/pref", Get)
            .WithName("GetAdminPref")
            .WithSummary("The preferences as today's CL clients read them: whether guest mode (reads without a token) is on")
            .WithDescription("The same stored setting as GET /admin/config, inverted: guest_mode = !read_auth_enabled.");

        routes.MapPut("/pref/guest-mode", SetGuestMode)
            .DocumentsBody<SetGuestModeRequest>("application/x-www-form-urlencoded", "multipart/form-data", "application/json")
            .WithName("SetGuestMode")
            .WithSummary("Turn guest mode on or off at once (the same switch as PUT /admin/config/read-auth, inverted)")
            .WithDescription("A form with guest_mode=true|false, or JSON {\"guest_mode\": true}.");
    }

    public static async Task<Ok<AdminPref>> Get(ReadAuthSwitch readAuth, CancellationToken ct)
    {
        var state = await readAuth.CurrentAsync(ct);
        return TypedResults.Ok(new AdminPref(!state.ReadAuthEnabled, state.UpdatedAt, state.UpdatedBy));
    }

    public static async Task<Results<Ok<GuestModeUpdated>, UnprocessableEntity<ValidationErrorBody>>> SetGuestMode(
        HttpContext context, ReadAuthSwitch readAuth, MediaStorage storage, CancellationToken ct)
    {
        var input = BooleanFieldInput.From(await JsonOrForm.ReadAsync(context.Request, storage.TempDir, ct), Field);
        var validation = Validator.Validate(input);
        if (!validation.IsValid) return Errors.Validation(validation, "body");
        var state = await readAuth.SetAsync(!input.Value, context.CallerId(), ct);
        return TypedResults.Ok(new GuestModeUpdated(!state.ReadAuthEnabled, "Configuration updated successfully"));
    }
}
