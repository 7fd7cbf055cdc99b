using System.Text.Json;
using Store.Http;

namespace Store.Entities.Patch;

/// <summary>
/// One field of a patch: whether it was sent, and its value as text (null for an explicit null).
/// <see cref="Kind"/> remembers the JSON kind so that a number sent for a label is refused.
/// </summary>
public readonly record struct PatchField(bool Sent, string? Text, JsonValueKind Kind)
{
    public static readonly PatchField Absent = new(false, null, JsonValueKind.Undefined);
}

/// <summary>
/// The body of PATCH /entities/{id}, from JSON (<c>{"label": ...}</c> or <c>{"body": {...}}</c>) or from a form.
/// Only the fields sent change; an explicit null clears. <see cref="Body"/> and <see cref="Wrapper"/> keep
/// what the validator needs to refuse a body of the wrong shape.
/// </summary>
public sealed record PatchEntityInput(JsonOrForm Body, PatchField Wrapper, PatchField Label, PatchField Description, PatchField ParentId, PatchField IsDeleted)
{
    public long? Parent => FormValues.TryOptionalLong(ParentId.Text, out var v) ? v : null;
    public bool Deleted => FormValues.TryBool(IsDeleted.Text, out var v) && v;

    public static PatchEntityInput From(JsonOrForm body) => body.Kind switch
    {
        BodyKind.Object => FromJson(body),
        BodyKind.Form => new(body, PatchField.Absent, Form(body, "label"), Form(body, "description"), Form(body, "parent_id"), Form(body, "is_deleted")),
        _ => new(body, PatchField.Absent, PatchField.Absent, PatchField.Absent, PatchField.Absent, PatchField.Absent),
    };

    static PatchEntityInput FromJson(JsonOrForm body)
    {
        var root = body.Json;
        // The first implementation took the fields wrapped in "body"; the CL clients still send both shapes.
        // No entity field is named "body", so the key always means the wrapper; anything but an object there is refused.
        var wrapper = Json(root, "body");
        if (wrapper.Sent)
        {
            if (wrapper.Kind != JsonValueKind.Object) return new(body, wrapper, PatchField.Absent, PatchField.Absent, PatchField.Absent, PatchField.Absent);
            root = root.GetProperty("body");
        }
        return new(body, wrapper, Json(root, "label"), Json(root, "description"), Json(root, "parent_id"), Json(root, "is_deleted"));
    }

    static PatchField Json(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value)) return PatchField.Absent;
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null => null,
            _ => value.GetRawText(),
        };
        return new(true, text, value.ValueKind);
    }

    /// <summary>A form cannot carry null: an empty value or the word null clears the field.</summary>
    static PatchField Form(JsonOrForm body, string name)
    {
        if (!body.Fields.TryGetValue(name, out var raw)) return PatchField.Absent;
        var text = raw.Length == 0 || raw.Equals("null", StringComparison.OrdinalIgnoreCase) ? null : raw;
        return new(true, text, JsonValueKind.String);
    }
}

/// <summary>Documents the body for OpenAPI: every field optional, null clears it.</summary>
public sealed class PatchEntityRequest
{
    public string? Label { get; init; }
    public string? Description { get; init; }
    public long? ParentId { get; init; }
    /// <summary>true is the soft delete, false restores.</summary>
    public bool? IsDeleted { get; init; }
}

/// <summary>Documents the wrapped JSON shape the first implementation took: <c>{"body": {...}}</c>.</summary>
public sealed class PatchEntityWrappedRequest
{
    public required PatchEntityRequest Body { get; init; }
}
