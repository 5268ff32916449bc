from smartkampung.projects.models import ProgressPhoto, RedFlag


def test_sample(sample):
    photo = ProgressPhoto.objects.get(pk=sample.photo_ids[0])
    assert photo.thumbnail and photo.display
    assert sample.published.status == "ongoing"
    assert sample.planned.status == "planned"
    assert sample.completed.status == "completed"
    print(list(RedFlag.objects.values_list("rule", "village_id", "status")))
