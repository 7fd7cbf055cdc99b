using System.Text.Json;
using Store.Http;

namespace Store.Admin.Config;

/// <summary>The <c>enabled</c> value of PUT /admin/config/read-auth, read from JSON or a form, or what is wrong with the body.</summary>
public sealed record ReadAuthInput(bool Enabled, ValidationItem? Problem)
{
    static ReadAuthInput Wrong(string msg, string type, params object[] loc) => new(false, new ValidationItem(loc, msg, type));

    static readonly ReadAuthInput Missing = Wrong("Field required", "missing", "body", "enabled");
    static readonly ReadAuthInput NotBool = Wrong("Input should be a valid boolean", "bool_parsing", "body", "enabled");

    public static async Task<ReadAuthInput> ReadAsync(HttpRequest request, string tempDir, CancellationToken ct)
    {
        if (MultipartForm.IsMultipart(request))
        {
            await using var form = await MultipartForm.ReadAsync(request, tempDir, ct);
            return FromText(form.Field("enabled"));
        }
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            return FromText(form.TryGetValue("enabled", out var value) ? value.ToString() : null);
        }
        try
        {
            using var json = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            return FromJson(json.RootElement);
        }
        catch (JsonException)
        {
            return Wrong("Body should be JSON {\"enabled\": true|false} or a form with enabled", "json_invalid", "body");
        }
    }

    /// <summary>A form sends text: true/false or 1/0, any case, as everywhere else in the store.</summary>
    static ReadAuthInput FromText(string? raw) =>
        raw is null ? Missing : FormValues.TryBool(raw, out var value) ? new ReadAuthInput(value, null) : NotBool;

    /// <summary>JSON booleans, and the same lenient text and 0/1 the form takes (as the Python service's pydantic did).</summary>
    static ReadAuthInput FromJson(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return Wrong("Input should be a valid dictionary or object", "model_attributes_type", "body");
        if (!root.TryGetProperty("enabled", out var enabled)) return Missing;
        return enabled.ValueKind switch
        {
            JsonValueKind.True => new ReadAuthInput(true, null),
            JsonValueKind.False => new ReadAuthInput(false, null),
            JsonValueKind.String => FromText(enabled.GetString()),
            JsonValueKind.Number when enabled.TryGetInt32(out var n) && n is 0 or 1 => new ReadAuthInput(n == 1, null),
            _ => NotBool,
        };
    }
}
