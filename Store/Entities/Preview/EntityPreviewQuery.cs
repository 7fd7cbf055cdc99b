using FluentValidation;
using Store.Media;

namespace Store.Entities.Preview;

/// <summary>The query of GET /entities/{id}/preview: size small (default, 256 px) or large (1440 px); force is accepted and changes nothing.</summary>
public sealed record EntityPreviewQuery(string? Size)
{
    public PreviewSize PreviewSize => Size?.ToLowerInvariant() == "large" ? Media.PreviewSize.Large : Media.PreviewSize.Small;
}

public sealed class EntityPreviewValidator : AbstractValidator<EntityPreviewQuery>
{
    public EntityPreviewValidator()
    {
        RuleFor(q => q.Size).Must(v => v!.ToLowerInvariant() is "small" or "large")
            .WithMessage("Input should be 'small' or 'large'").WithErrorCode("enum")
            .When(q => q.Size is not null);
    }
}
