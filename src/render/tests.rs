use super::*;

#[test]
fn page_window_shows_ends_and_neighbours_with_gaps() {
    assert_eq!(page_window(1, 1), vec![Some(1)]);
    assert_eq!(page_window(2, 3), vec![Some(1), Some(2), Some(3)]);
    assert_eq!(
        page_window(10, 20),
        vec![
            Some(1),
            None,
            Some(8),
            Some(9),
            Some(10),
            Some(11),
            Some(12),
            None,
            Some(20)
        ]
    );
    assert_eq!(
        page_window(1, 9),
        vec![Some(1), Some(2), Some(3), None, Some(9)]
    );
}
