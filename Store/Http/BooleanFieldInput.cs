using System.Text.Json;

namespace Store.Http;

/// <summary>
/// The body of a switch endpoint that takes one boolean field (PUT /admin/config/read-auth's <c>enabled</c>,
/// PUT /admin/pref/guest-mode's <c>guest_mode</c>) as received: its value as text with its JSON kind (a form
/// sends text), judged by <see cref="BooleanFieldValidator"/>.
/// </summary>
public sealed record BooleanFieldInput(string Field, JsonOrForm Body, bool Sent, string? Text, JsonValueKind Kind)
{
    public static BooleanFieldInput From(JsonOrForm body, string field)
    {
        if (body.Kind == BodyKind.Form)
            return body.Fields.TryGetValue(field, out var text) ? new(field, body, true, text, JsonValueKind.String) : new(field, body, false, null, JsonValueKind.Undefined);
        if (body.Kind != BodyKind.Object || !body.Json.TryGetProperty(field, out var value)) return new(field, body, false, null, JsonValueKind.Undefined);
        return new(field, body, true, value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText(), value.ValueKind);
    }

    /// <summary>
    /// JSON booleans, and the same lenient text and 0/1 a form takes (true/false, 1/0, any case), as the Python
    /// service's pydantic did; only meaningful once the validator passed.
    /// </summary>
    public bool Value => Kind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => FormValues.TryBool(Text, out var value) && value,
    };

    public bool IsBoolean => Kind is JsonValueKind.True or JsonValueKind.False
        || Kind is JsonValueKind.String or JsonValueKind.Number && FormValues.TryBool(Text, out _);
}
