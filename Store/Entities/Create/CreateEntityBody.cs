using FluentValidation;
using Store.Entities.Shared;
using Store.Http;

namespace Store.Entities.Create;

/// <summary>Documents the form body (multipart, or urlencoded without a file) for OpenAPI; the handler reads the body itself.</summary>
public sealed class CreateEntityRequest
{
    /// <summary>true/false or 1/0, any case.</summary>
    public required bool IsCollection { get; init; }
    public string? Label { get; init; }
    public string? Description { get; init; }
    /// <summary>An existing collection.</summary>
    public long? ParentId { get; init; }
    /// <summary>The file, as today's CL SDKs name it; wins over <c>image</c> when both are sent.</summary>
    public IFormFile? MediaFile { get; init; }
    /// <summary>The media file; required for a media item, refused for a collection.</summary>
    public IFormFile? Image { get; init; }
}

public sealed class CreateEntityValidator : EntityFormValidator
{
    public CreateEntityValidator()
    {
        IsCollectionIsABoolean();
        ParentIdIsAnInteger();
        CollectionHasNoFile();
        // Stop at the first failure: the size check must not run on a missing file.
        RuleFor(f => f.Image).Cascade(CascadeMode.Stop)
            .NotNull().WithMessage("A media item needs a file (media_file or image)").WithErrorCode("missing")
            .Must(i => i!.Size > 0).WithMessage("The uploaded file is empty").WithErrorCode("value_error")
            .When(f => FormValues.TryBool(f.IsCollection, out var c) && !c);
    }
}
