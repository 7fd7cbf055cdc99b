using FluentValidation;
using Store.Http;

namespace Store.Entities.Replace;

/// <summary>The multipart fields of PUT /entities/{id} as sent.</summary>
public sealed record ReplaceEntityForm(string? IsCollection, string? Label, string? Description, string? ParentId, UploadedFile? Image)
{
    public static ReplaceEntityForm From(MultipartForm form) =>
        new(form.Field("is_collection"), form.Field("label"), form.Field("description"), form.Field("parent_id"), form.File("image"));

    public bool Collection => FormValues.TryBool(IsCollection, out var value) && value;
    public long? Parent => FormValues.TryOptionalLong(ParentId, out var value) ? value : null;
}

/// <summary>Documents the multipart body for OpenAPI; the handler reads the body itself.</summary>
public sealed class ReplaceEntityRequest
{
    /// <summary>Must equal the stored value: it never changes.</summary>
    public required bool IsCollection { get; init; }
    public required string Label { get; init; }
    /// <summary>Absent means null.</summary>
    public string? Description { get; init; }
    /// <summary>Absent means null (top level).</summary>
    public long? ParentId { get; init; }
    /// <summary>A new file for a media item; refused for a collection.</summary>
    public IFormFile? Image { get; init; }
}

public sealed class ReplaceEntityValidator : AbstractValidator<ReplaceEntityForm>
{
    public ReplaceEntityValidator()
    {
        RuleFor(f => f.IsCollection)
            .NotNull().WithMessage("Field required").WithErrorCode("missing")
            .Must(v => FormValues.TryBool(v, out _)).WithMessage("Input should be a valid boolean").WithErrorCode("bool_parsing")
            .When(f => f.IsCollection is not null, ApplyConditionTo.CurrentValidator);
        RuleFor(f => f.Label).NotNull().WithMessage("Field required").WithErrorCode("missing");
        RuleFor(f => f.ParentId)
            .Must(v => FormValues.TryOptionalLong(v, out _)).WithMessage("Input should be a valid integer").WithErrorCode("int_parsing");
        RuleFor(f => f.Image)
            .Null().WithMessage("A collection cannot have a file").WithErrorCode("value_error")
            .When(f => f.Collection);
        RuleFor(f => f.Image)
            .Must(i => i is null || i.Size > 0).WithMessage("The uploaded file is empty").WithErrorCode("value_error");
    }
}
