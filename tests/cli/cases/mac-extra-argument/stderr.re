sixplane: .*'0000000001'.* \(try 'sixplane mac --help'\)
