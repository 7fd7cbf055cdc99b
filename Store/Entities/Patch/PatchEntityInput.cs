using System.Text.Json;
using FluentValidation;
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
/// Only the fields sent change; an explicit null clears.
/// </summary>
public sealed record PatchEntityInput(PatchField Label, PatchField Description, PatchField ParentId, PatchField IsDeleted)
{
    public long? Parent => FormValues.TryOptionalLong(ParentId.Text, out var v) ? v : null;
    public bool Deleted => FormValues.TryBool(IsDeleted.Text, out var v) && v;

    public static PatchEntityInput FromJson(JsonElement root)
    {
        // The first implementation took the fields wrapped in "body"; the CL clients still send both shapes.
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("body", out var inner) && inner.ValueKind == JsonValueKind.Object)
            root = inner;
        if (root.ValueKind != JsonValueKind.Object) return new(PatchField.Absent, PatchField.Absent, PatchField.Absent, new(true, null, root.ValueKind));
        return new(Json(root, "label"), Json(root, "description"), Json(root, "parent_id"), Json(root, "is_deleted"));
    }

    public static PatchEntityInput FromForm(MultipartFormLike form) =>
        new(Form(form, "label"), Form(form, "description"), Form(form, "parent_id"), Form(form, "is_deleted"));

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

    static PatchField Form(MultipartFormLike form, string name) =>
        form.TryGetValue(name, out var text) ? new(true, text, JsonValueKind.String) : PatchField.Absent;
}

/// <summary>Form fields by name, from a multipart or urlencoded body.</summary>
public sealed class MultipartFormLike(IReadOnlyDictionary<string, string> fields)
{
    public bool TryGetValue(string name, out string? value)
    {
        var found = fields.TryGetValue(name, out var raw);
        // A form cannot carry null: an empty value or the word null clears the field.
        value = raw is null || raw.Length == 0 || raw.Equals("null", StringComparison.OrdinalIgnoreCase) ? null : raw;
        return found;
    }
}

/// <summary>Documents the JSON body for OpenAPI: every field optional, null clears it.</summary>
public sealed class PatchEntityRequest
{
    public string? Label { get; init; }
    public string? Description { get; init; }
    public long? ParentId { get; init; }
    /// <summary>true is the soft delete, false restores.</summary>
    public bool? IsDeleted { get; init; }
}

public sealed class PatchEntityValidator : AbstractValidator<PatchEntityInput>
{
    public PatchEntityValidator()
    {
        RuleFor(p => p.Label).Must(f => !f.Sent || f.Kind is JsonValueKind.String or JsonValueKind.Null)
            .WithMessage("Input should be a valid string").WithErrorCode("string_type");
        RuleFor(p => p.Description).Must(f => !f.Sent || f.Kind is JsonValueKind.String or JsonValueKind.Null)
            .WithMessage("Input should be a valid string").WithErrorCode("string_type");
        RuleFor(p => p.ParentId).Must(f => !f.Sent || f.Kind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Object or JsonValueKind.Array) && FormValues.TryOptionalLong(f.Text, out _))
            .WithMessage("Input should be a valid integer").WithErrorCode("int_parsing");
        RuleFor(p => p.IsDeleted).Must(f => !f.Sent || f.Text is not null && FormValues.TryBool(f.Text, out _))
            .WithMessage("Input should be a valid boolean").WithErrorCode("bool_parsing");
    }
}
