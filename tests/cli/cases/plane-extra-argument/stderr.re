sixplane: .*'0000000001'.* \(try 'sixplane plane --help'\)
