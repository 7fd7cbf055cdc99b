using FluentValidation;
using Store.Http;

namespace Store.Entities.Create;

/// <summary>The multipart fields of POST /entities as the client sent them, before any parsing.</summary>
public sealed record CreateEntityForm(string? IsCollection, string? Label, string? Description, string? ParentId, UploadedFile? Image)
{
    public static CreateEntityForm From(MultipartForm form) =>
        new(form.Field("is_collection"), form.Field("label"), form.Field("description"), form.Field("parent_id"), form.File("image"));

    public bool Collection => FormValues.TryBool(IsCollection, out var value) && value;
    public long? Parent => FormValues.TryOptionalLong(ParentId, out var value) ? value : null;
}

/// <summary>Documents the multipart body for OpenAPI; the handler reads the body itself.</summary>
public sealed class CreateEntityRequest
{
    /// <summary>true/false or 1/0, any case.</summary>
    public required bool IsCollection { get; init; }
    public string? Label { get; init; }
    public string? Description { get; init; }
    /// <summary>An existing collection.</summary>
    public long? ParentId { get; init; }
    /// <summary>The media file; required for a media item, refused for a collection.</summary>
    public IFormFile? Image { get; init; }
}

public sealed class CreateEntityValidator : AbstractValidator<CreateEntityForm>
{
    public CreateEntityValidator()
    {
        RuleFor(f => f.IsCollection)
            .NotNull().WithMessage("Field required").WithErrorCode("missing")
            .Must(v => FormValues.TryBool(v, out _)).WithMessage("Input should be a valid boolean").WithErrorCode("bool_parsing")
            .When(f => f.IsCollection is not null, ApplyConditionTo.CurrentValidator);
        RuleFor(f => f.ParentId)
            .Must(v => FormValues.TryOptionalLong(v, out _)).WithMessage("Input should be a valid integer").WithErrorCode("int_parsing");
        RuleFor(f => f.Image)
            .Null().WithMessage("A collection cannot have a file").WithErrorCode("value_error")
            .When(f => f.Collection);
        // Stop at the first failure: the size check must not run on a missing file.
        RuleFor(f => f.Image).Cascade(CascadeMode.Stop)
            .NotNull().WithMessage("A media item needs an image file").WithErrorCode("missing")
            .Must(i => i!.Size > 0).WithMessage("The uploaded file is empty").WithErrorCode("value_error")
            .When(f => FormValues.TryBool(f.IsCollection, out var c) && !c);
    }
}
