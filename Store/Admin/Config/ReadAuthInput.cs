using System.Text.Json;
using Store.Http;

namespace Store.Admin.Config;

/// <summary>
/// The body of PUT /admin/config/read-auth as received: the <c>enabled</c> value as text with its JSON kind
/// (a form sends text), judged by <see cref="ReadAuthValidator"/>.
/// </summary>
public sealed record ReadAuthInput(JsonOrForm Body, bool Sent, string? Text, JsonValueKind Kind)
{
    public static ReadAuthInput From(JsonOrForm body)
    {
        if (body.Kind == BodyKind.Form)
            return body.Fields.TryGetValue("enabled", out var text) ? new(body, true, text, JsonValueKind.String) : new(body, false, null, JsonValueKind.Undefined);
        if (body.Kind != BodyKind.Object || !body.Json.TryGetProperty("enabled", out var enabled)) return new(body, false, null, JsonValueKind.Undefined);
        return new(body, true, enabled.ValueKind == JsonValueKind.String ? enabled.GetString() : enabled.GetRawText(), enabled.ValueKind);
    }

    /// <summary>
    /// JSON booleans, and the same lenient text and 0/1 a form takes (true/false, 1/0, any case), as the Python
    /// service's pydantic did; only meaningful once the validator passed.
    /// </summary>
    public bool Enabled => Kind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => FormValues.TryBool(Text, out var value) && value,
    };

    public bool IsBoolean => Kind is JsonValueKind.True or JsonValueKind.False
        || Kind is JsonValueKind.String or JsonValueKind.Number && FormValues.TryBool(Text, out _);
}
